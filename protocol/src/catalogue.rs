//! Thryve's data sources: which exist, which a browser can connect, and which Thryve retired.

/// A Thryve data source ID (`dataSource` in Thryve's URLs).
pub type SourceId = u32;

/// How a data source is connected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Connected from a browser through Thryve's direct connection URLs.
    Web,
    /// Connected only through Thryve's mobile SDKs; a web screen must not offer to connect it.
    Native,
}

/// One entry of Thryve's catalogue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DataSource {
    /// Thryve's ID.
    pub id: SourceId,
    /// The name the vendor uses.
    pub name: &'static str,
    /// Whether a browser can connect it.
    pub kind: Kind,
    /// Other names people search it by: its maker, a product, an older name. Proper names only,
    /// so they work in every language.
    pub aliases: &'static [&'static str],
}

impl DataSource {
    /// Whether a browser can connect it.
    pub fn is_web(&self) -> bool {
        self.kind == Kind::Web
    }
}

const fn web(id: SourceId, name: &'static str, aliases: &'static [&'static str]) -> DataSource {
    DataSource {
        id,
        name,
        kind: Kind::Web,
        aliases,
    }
}

const fn native(id: SourceId, name: &'static str, aliases: &'static [&'static str]) -> DataSource {
    DataSource {
        id,
        name,
        kind: Kind::Native,
        aliases,
    }
}

/// Every data source the screen knows, in Thryve's ID order (also the default display order).
pub const CATALOGUE: &[DataSource] = &[
    web(1, "Fitbit", &["Google", "Pixel Watch"]),
    web(2, "Garmin", &["Garmin Connect", "Forerunner"]),
    web(3, "Polar", &["Polar Flow"]),
    native(
        5,
        "Apple Health",
        &["Apple", "iPhone", "Apple Watch", "HealthKit"],
    ),
    native(6, "Samsung Health", &["Samsung", "Galaxy Watch"]),
    web(8, "Withings", &["Nokia Health"]),
    web(11, "Strava", &[]),
    web(16, "Omron Connect", &["Omron"]),
    web(17, "Suunto", &["Suunto App"]),
    web(18, "Oura", &["Oura Ring"]),
    web(21, "iHealth", &[]),
    web(27, "Beurer", &["Beurer HealthManager"]),
    web(38, "Huawei Health", &["Huawei", "Huawei Watch"]),
    web(41, "Dexcom", &["CGM", "Dexcom G7"]),
    web(42, "Whoop", &[]),
    web(43, "Decathlon", &["Decathlon Coach"]),
    native(44, "Health Connect", &["Android", "Google"]),
    web(45, "Komoot", &[]),
    web(46, "FreeStyle Libre", &["Abbott", "Libre", "CGM"]),
    native(47, "ShenAI", &["Shen.AI"]),
];

/// Sources Thryve has retired. They are never offered, even when configured.
pub const END_OF_LIFE: &[(SourceId, &str)] = &[(12, "Google Fit REST"), (40, "Google Fit native")];

/// Looks a source up in the catalogue.
pub fn find(id: SourceId) -> Option<&'static DataSource> {
    CATALOGUE.iter().find(|source| source.id == id)
}

/// A web source by ID: one a browser can connect.
pub fn find_web(id: SourceId) -> Option<&'static DataSource> {
    find(id).filter(|source| source.is_web())
}

/// The name of a retired source, if `id` is one.
pub fn end_of_life(id: SourceId) -> Option<&'static str> {
    END_OF_LIFE
        .iter()
        .find(|(retired, _)| *retired == id)
        .map(|(_, name)| *name)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_exclude_end_of_life() {
        for (i, a) in CATALOGUE.iter().enumerate() {
            assert!(CATALOGUE[i + 1..].iter().all(|b| b.id != a.id));
            assert!(end_of_life(a.id).is_none());
        }
        assert_eq!(end_of_life(12), Some("Google Fit REST"));
    }

    #[test]
    fn web_sources_are_the_browser_connectable_ones() {
        let web: Vec<SourceId> = CATALOGUE
            .iter()
            .filter(|s| s.is_web())
            .map(|s| s.id)
            .collect();
        assert_eq!(
            web,
            vec![1, 2, 3, 8, 11, 16, 17, 18, 21, 27, 38, 41, 42, 43, 45, 46]
        );
        assert_eq!(find_web(11).map(|s| s.name), Some("Strava"));
        assert!(find_web(5).is_none(), "Apple Health is native");
        assert!(find_web(12).is_none(), "retired");
    }
}
