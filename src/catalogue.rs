//! The list the screen shows: Thryve's catalogue (from the protocol crate) plus what the host
//! changes about it (order, hidden, featured, names, logos).
//!
//! Pure: no DOM, no network.

use std::fmt;
pub use thryve_connect_protocol::catalogue::{end_of_life, find, Kind, SourceId, CATALOGUE};
use thryve_connect_protocol::ids::IdMap;

/// A source as the screen shows it: catalogue facts plus the host's customisation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    /// Thryve's ID.
    pub id: SourceId,
    /// The name shown.
    pub name: String,
    /// Whether a browser can connect it.
    pub kind: Kind,
    /// An image URL for the source's mark; without one the screen draws a monogram.
    pub logo: Option<String>,
    /// Shown first and marked as recommended.
    pub featured: bool,
    /// Other names people search it by (from the catalogue; none for a source named by the host).
    pub aliases: &'static [&'static str],
}

impl Source {
    /// Whether this screen may offer a Connect button for it.
    pub fn is_web(&self) -> bool {
        self.kind == Kind::Web
    }

    /// Whether the source answers a search for `query`: a part of its name or of another name
    /// it goes by (its catalogue name too, when the host renamed it), letter case aside.
    pub fn matches(&self, query: &str) -> bool {
        let query = fold(query);
        if query.is_empty() {
            return true;
        }
        let catalogue_name = find(self.id).map(|s| s.name);
        std::iter::once(self.name.as_str())
            .chain(catalogue_name)
            .chain(self.aliases.iter().copied())
            .any(|name| contains(fold(name).as_bytes(), query.as_bytes()))
    }

    /// One or two letters that stand for the source where no logo is configured.
    pub fn monogram(&self) -> String {
        monogram(&self.name)
    }
}

/// The initials of the first two words of a name ("Omron Connect" -> "OC"). ASCII letters are
/// upper-cased; other letters are kept as they are (Unicode case tables would cost the wasm
/// about 10 KB for names that are written in capitals anyway).
pub fn monogram(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|word| word.chars().find(|c| !c.is_ascii_punctuation()))
        .take(2)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Whether `needle` occurs in `haystack`. A plain window scan: names are short, and `str`'s
/// two-way searcher would cost the wasm a few kilobytes.
fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty()
        || haystack
            .windows(needle.len())
            .any(|window| window == needle)
}

/// Lower-cases ASCII letters and squeezes spaces, for comparing names (other letters stay as
/// they are: Unicode case tables would cost the wasm about 10 KB).
fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().map(|c| c.to_ascii_lowercase()));
    }
    out
}

/// What a host may change about the list, on top of the catalogue.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    /// The sources to show, in display order. `None` means every web source of the catalogue
    /// (and every native one when `show_native` is set).
    pub order: Option<Vec<SourceId>>,
    /// Sources never to show, whatever `order` says.
    pub hidden: Vec<SourceId>,
    /// Sources shown first, marked as recommended.
    pub featured: Vec<SourceId>,
    /// Display names that replace the catalogue's (and name sources the catalogue does not know yet).
    pub names: IdMap<String>,
    /// Logo image URLs.
    pub logos: IdMap<String>,
    /// Whether native sources appear (as "available in the mobile app").
    pub show_native: bool,
}

/// Why a selection cannot be shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SelectionError {
    /// Thryve retired this source.
    EndOfLife(SourceId, &'static str),
    /// Not in the catalogue and no display name was configured for it.
    Unknown(SourceId),
    /// Listed twice.
    Duplicate(SourceId),
    /// Nothing is left to show.
    Empty,
}

impl fmt::Display for SelectionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SelectionError::EndOfLife(id, name) => write!(
                f,
                "data source {id} ({name}) has reached its end of life at Thryve and cannot be offered"
            ),
            SelectionError::Unknown(id) => write!(
                f,
                "data source {id} is not in the catalogue; give it a display name in the JSON settings to offer it"
            ),
            SelectionError::Duplicate(id) => write!(f, "data source {id} is listed twice"),
            SelectionError::Empty => write!(f, "no data source is left to show"),
        }
    }
}

impl std::error::Error for SelectionError {}

impl Selection {
    /// Resolves the selection against the catalogue into the list to show.
    pub fn resolve(&self) -> Result<Vec<Source>, SelectionError> {
        let ids: Vec<SourceId> = match &self.order {
            Some(order) => order.clone(),
            None => CATALOGUE
                .iter()
                .filter(|s| s.kind == Kind::Web || self.show_native)
                .map(|s| s.id)
                .collect(),
        };
        let mut seen = Vec::with_capacity(ids.len());
        let mut sources = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(name) = end_of_life(id) {
                return Err(SelectionError::EndOfLife(id, name));
            }
            if seen.contains(&id) {
                return Err(SelectionError::Duplicate(id));
            }
            seen.push(id);
            if self.hidden.contains(&id) {
                continue;
            }
            let known = find(id);
            let name = match (self.names.get(&id), known) {
                (Some(name), _) => name.clone(),
                (None, Some(source)) => source.name.to_owned(),
                (None, None) => return Err(SelectionError::Unknown(id)),
            };
            // A source the catalogue does not know yet is assumed to be a web source: the host
            // named it on purpose.
            let kind = known.map_or(Kind::Web, |s| s.kind);
            if kind == Kind::Native && !self.show_native {
                continue;
            }
            sources.push(Source {
                id,
                name,
                kind,
                logo: self.logos.get(&id).cloned(),
                featured: self.featured.contains(&id),
                aliases: known.map_or(&[], |s| s.aliases),
            });
        }
        // Featured first; otherwise the configured order stays.
        let (mut sources, rest): (Vec<Source>, Vec<Source>) =
            sources.into_iter().partition(|s| s.featured);
        sources.extend(rest);
        if sources.is_empty() {
            return Err(SelectionError::Empty);
        }
        Ok(sources)
    }
}

// Host tests (`cargo test`); the browser tests are in tests/web/.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn ids(sources: &[Source]) -> Vec<SourceId> {
        sources.iter().map(|s| s.id).collect()
    }

    #[test]
    fn default_selection_is_every_web_source_in_id_order() {
        let sources = Selection::default().resolve().unwrap();
        assert_eq!(
            ids(&sources),
            vec![1, 2, 3, 8, 11, 16, 17, 18, 21, 27, 38, 41, 42, 43, 45, 46]
        );
        assert!(sources.iter().all(Source::is_web));
    }

    #[test]
    fn native_sources_appear_only_when_asked() {
        let sources = Selection {
            show_native: true,
            ..Selection::default()
        }
        .resolve()
        .unwrap();
        let native: Vec<_> = sources
            .iter()
            .filter(|s| !s.is_web())
            .map(|s| s.id)
            .collect();
        assert_eq!(native, vec![5, 6, 44, 47]);

        let listed_without_flag = Selection {
            order: Some(vec![5, 1]),
            ..Selection::default()
        }
        .resolve()
        .unwrap();
        assert_eq!(ids(&listed_without_flag), vec![1]);
    }

    #[test]
    fn configured_order_is_kept_and_featured_come_first() {
        let sources = Selection {
            order: Some(vec![11, 1, 18, 2]),
            featured: vec![18],
            hidden: vec![2],
            ..Selection::default()
        }
        .resolve()
        .unwrap();
        assert_eq!(ids(&sources), vec![18, 11, 1]);
        assert!(sources[0].featured && !sources[1].featured);
    }

    #[test]
    fn end_of_life_sources_are_refused() {
        for id in [12, 40] {
            let err = Selection {
                order: Some(vec![1, id]),
                ..Selection::default()
            }
            .resolve()
            .unwrap_err();
            assert!(matches!(err, SelectionError::EndOfLife(got, _) if got == id));
            assert!(err.to_string().contains("end of life"));
        }
    }

    #[test]
    fn unknown_sources_need_a_name_and_duplicates_are_refused() {
        let unknown = Selection {
            order: Some(vec![99]),
            ..Selection::default()
        };
        assert_eq!(unknown.resolve(), Err(SelectionError::Unknown(99)));

        let named = Selection {
            order: Some(vec![99]),
            names: IdMap::from([(99, "Newcomer".to_owned())]),
            ..Selection::default()
        };
        let sources = named.resolve().unwrap();
        assert_eq!(sources[0].name, "Newcomer");
        assert!(sources[0].is_web());

        let twice = Selection {
            order: Some(vec![1, 2, 1]),
            ..Selection::default()
        };
        assert_eq!(twice.resolve(), Err(SelectionError::Duplicate(1)));
    }

    #[test]
    fn hiding_everything_is_an_error_not_a_blank_screen() {
        let selection = Selection {
            order: Some(vec![1]),
            hidden: vec![1],
            ..Selection::default()
        };
        assert_eq!(selection.resolve(), Err(SelectionError::Empty));
    }

    #[test]
    fn names_and_logos_override_the_catalogue() {
        let sources = Selection {
            order: Some(vec![1]),
            names: IdMap::from([(1, "Fitbit by Google".to_owned())]),
            logos: IdMap::from([(1, "/logos/fitbit.svg".to_owned())]),
            ..Selection::default()
        }
        .resolve()
        .unwrap();
        assert_eq!(sources[0].name, "Fitbit by Google");
        assert_eq!(sources[0].logo.as_deref(), Some("/logos/fitbit.svg"));
    }

    #[test]
    fn search_finds_names_parts_and_aliases_never_retired_sources() {
        let all = Selection {
            show_native: true,
            ..Selection::default()
        }
        .resolve()
        .unwrap();
        let found = |query: &str| -> Vec<SourceId> {
            all.iter()
                .filter(|s| s.matches(query))
                .map(|s| s.id)
                .collect()
        };
        assert_eq!(found("gar"), vec![2]);
        assert_eq!(found("  GARMIN  "), vec![2]);
        assert_eq!(
            found("free style"),
            Vec::<SourceId>::new(),
            "words keep their spaces"
        );
        assert_eq!(found("freestyle li"), vec![46]);
        assert_eq!(
            found("Apple"),
            vec![5],
            "the native note, when natives are shown"
        );
        assert_eq!(
            found("Google"),
            vec![1, 44],
            "Fitbit and Health Connect, no Google Fit"
        );
        assert!(
            found("google fit").is_empty(),
            "retired sources are never found"
        );
        assert_eq!(found("").len(), all.len());
        assert!(found("zzz").is_empty());

        let renamed = Selection {
            order: Some(vec![1, 99]),
            names: IdMap::from([(1, "Fitbit by Google".into()), (99, "Newcomer".into())]),
            ..Selection::default()
        }
        .resolve()
        .unwrap();
        assert!(renamed[0].matches("by goo"), "the host's name");
        assert!(renamed[0].matches("fitbit"), "and the catalogue's");
        assert!(renamed[1].matches("newc") && !renamed[1].matches("google"));
    }

    #[test]
    fn monograms() {
        assert_eq!(monogram("Fitbit"), "F");
        assert_eq!(monogram("Omron Connect"), "OC");
        assert_eq!(monogram("iHealth"), "I");
        assert_eq!(monogram("FreeStyle Libre"), "FL");
        assert_eq!(monogram("A B C"), "AB");
        assert_eq!(monogram("  "), "");
        assert_eq!(monogram("Ärzte (Plus)"), "ÄP");
    }
}
