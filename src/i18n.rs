//! Every user-facing string, by language.
//!
//! A language is one file, `locales/{code}.txt` (found by the protocol crate's `build.rs`; nothing else to register):
//!
//! ```text
//! # comments start with '#'
//! @name = Deutsch          # the language's own name
//! button.connect = Verbinden
//! button.connect.named = {source} verbinden
//! summary.connected.one = {count} Quelle verbunden
//! summary.connected.other = {count} Quellen verbunden
//! ```
//!
//! Placeholders (`{source}`, `{count}`) are filled by [`Messages::format`]; sentences are never
//! glued together from pieces, so every language can order its words. A message that depends on
//! a number has one line per CLDR plural category its language uses (`zero`, `one`, `two`,
//! `few`, `many`, `other`; `other` always): the browser's `Intl.PluralRules` picks the category,
//! so Polish or Arabic plurals need no rules of ours. Tests fail when a language lacks a message
//! English has, has one English lacks, or uses other placeholders.
//!
//! With the `bundled-languages` feature (on by default) every table is compiled in. Without it
//! only English is, and the others are added at run time with [`add_language`] (the standalone
//! build's loader fetches the one a screen needs, beside the wasm).

use std::cell::RefCell;
use std::sync::Arc;

use thryve_connect_protocol::LOCALES;

/// The language used when nothing else matches, and the reference every other is checked against.
pub const DEFAULT_LOCALE: &str = "en";

macro_rules! messages {
    ($($(#[$doc:meta])* $variant:ident => $key:literal,)*) => {
        /// A message of the user interface; its key names it in the locale files.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Msg {
            $($(#[$doc])* $variant,)*
        }

        impl Msg {
            /// Every message.
            pub const ALL: &'static [Msg] = &[$(Msg::$variant,)*];

            /// The key in the locale files.
            pub fn key(self) -> &'static str {
                match self {
                    $(Msg::$variant => $key,)*
                }
            }
        }
    };
}

messages! {
    Title => "title",
    Intro => "intro",
    ListLabel => "list.label",
    SessionLoading => "session.loading",
    SessionError => "session.error",
    SessionTimeout => "session.timeout",
    SessionRetry => "session.retry",
    StatusError => "status.error",
    ButtonConnect => "button.connect",
    ButtonConnectNamed => "button.connect.named",
    ButtonDisconnect => "button.disconnect",
    ButtonDisconnectNamed => "button.disconnect.named",
    StateConnected => "state.connected",
    StateNotConnected => "state.not_connected",
    StateUnknown => "state.unknown",
    StateConnecting => "state.connecting",
    StateDisconnecting => "state.disconnecting",
    StateNative => "state.native",
    /// "Still being confirmed by {source}"
    StateUnconfirmed => "state.unconfirmed",
    Featured => "badge.featured",
    ConfirmQuestion => "confirm.question",
    ConfirmYes => "confirm.yes",
    ConfirmYesNamed => "confirm.yes.named",
    ConfirmCancel => "confirm.cancel",
    ConnectSuccess => "result.connect.success",
    ConnectFailure => "result.connect.failure",
    DisconnectSuccess => "result.disconnect.success",
    DisconnectFailure => "result.disconnect.failure",
    ResultRetry => "result.retry",
    ResultDismiss => "result.dismiss",
    TabOpened => "result.tab_opened",
    PopupBlocked => "error.popup_blocked",
    /// "{count} sources connected" (plural: `summary.connected.one`, `.other`, …)
    Summary => "summary.connected",
    ConfigErrorTitle => "config.error.title",
    SearchLabel => "search.label",
    SearchClear => "search.clear",
    /// "{count} sources match" (plural)
    SearchCount => "search.count",
    /// "No data source matches “{query}”."
    SearchNone => "search.none",
    /// "Connected since {date}" (the status endpoint's `since`)
    StateSince => "state.since",
    /// "Last data: {date}" (the status endpoint's `lastData`)
    StateLastData => "state.last_data",
    /// The status endpoint's `needsReconnect`.
    StateNeedsReconnect => "state.needs_reconnect",
    ButtonReconnect => "button.reconnect",
    ButtonReconnectNamed => "button.reconnect.named",
}

/// The messages that depend on a number: their keys take a CLDR plural category as a suffix.
pub const PLURALS: &[Msg] = &[Msg::Summary, Msg::SearchCount];

/// CLDR's plural categories, as `Intl.PluralRules` names them.
pub const CATEGORIES: &[&str] = &["zero", "one", "two", "few", "many", "other"];

/// One parsed locale file.
#[derive(Debug)]
struct Table {
    code: &'static str,
    name: &'static str,
    entries: Vec<(&'static str, &'static str)>,
}

/// A line of a locale file that is not a comment, `@name` or `key = text`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub line: usize,
    pub text: &'static str,
}

fn parse(code: &'static str, text: &'static str) -> Result<Table, ParseError> {
    let mut table = Table {
        code,
        name: code,
        entries: Vec::new(),
    };
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let error = ParseError {
            line: index + 1,
            text: raw,
        };
        let (key, value) = line.split_once('=').ok_or(error)?;
        let (key, value) = (key.trim(), value.trim());
        match key {
            "@name" => table.name = value,
            _ if key.is_empty() || key.starts_with('@') => return Err(error),
            _ => table.entries.push((key, value)),
        }
    }
    Ok(table)
}

impl Table {
    /// A linear search: a few dozen entries, looked up while rendering, not in a loop.
    fn get(&self, key: &str) -> Option<&'static str> {
        self.entries
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| *v)
    }
}

/// The codes of every language there is a file for, sorted (whether its table is compiled in or
/// added at run time).
pub fn available() -> impl Iterator<Item = &'static str> {
    LOCALES.iter().copied()
}

/// The tables compiled into this build: every language's, or English alone.
fn compiled() -> &'static [(&'static str, &'static str)] {
    #[cfg(feature = "bundled-languages")]
    return thryve_connect_protocol::LOCALE_FILES;
    #[cfg(not(feature = "bundled-languages"))]
    return &[(DEFAULT_LOCALE, thryve_connect_protocol::ENGLISH_FILE)];
}

thread_local! {
    /// The tables added at run time ([`add_language`]), kept for the page's lifetime.
    static ADDED: RefCell<Vec<(&'static str, &'static str)>> = const { RefCell::new(Vec::new()) };
}

/// The table text of `code` as `(code, text)`: an added one wins over the compiled one (a host
/// may bring newer wording).
fn table_text(code: &str) -> Option<(&'static str, &'static str)> {
    ADDED
        .with(|added| added.borrow().iter().copied().find(|(c, _)| *c == code))
        .or_else(|| compiled().iter().copied().find(|(c, _)| *c == code))
}

/// Whether the messages of `code` are at hand (compiled in or added).
pub fn has_language(code: &str) -> bool {
    table_text(code).is_some()
}

/// Adds the table of one of the [`available`] languages (the text of its `locales/{code}.txt`),
/// for a build without `bundled-languages`. It must parse, have every message (each plural with
/// its `other` line) and use only each message's placeholders. It replaces a table given before
/// or compiled in. Screens created afterwards use it.
pub fn add_language(code: &str, text: &str) -> Result<(), String> {
    let code = LOCALES
        .iter()
        .copied()
        .find(|c| *c == code)
        .ok_or_else(|| {
            format!(
                "\"{code}\" is not one of the languages ({})",
                LOCALES.join(", ")
            )
        })?;
    let text: &'static str = Box::leak(text.to_owned().into_boxed_str());
    let table = parse(code, text)
        .map_err(|e| format!("line {} is not `key = text`: \"{}\"", e.line, e.text))?;
    for (key, value) in &table.entries {
        check_text(key, value).map_err(|problem| format!("the table {problem}"))?;
    }
    let missing = Msg::ALL.iter().find_map(|msg| {
        let key = if PLURALS.contains(msg) {
            format!("{}.other", msg.key())
        } else {
            msg.key().to_owned()
        };
        table.get(&key).is_none().then_some(key)
    });
    if let Some(key) = missing {
        return Err(format!("the table has no line for {key}"));
    }
    ADDED.with(|added| {
        let mut added = added.borrow_mut();
        added.retain(|(c, _)| *c != code);
        added.push((code, text));
    });
    Ok(())
}

/// The primary language subtag of a BCP 47 tag, lower-cased ("de-AT" -> "de"), if it looks like one.
pub fn primary_subtag(tag: &str) -> Option<String> {
    let mut parts = tag.trim().split(['-', '_']);
    let primary = parts.next()?;
    let well_formed = (2..=3).contains(&primary.len())
        && primary.chars().all(|c| c.is_ascii_alphabetic())
        && parts
            .all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()));
    well_formed.then(|| primary.to_ascii_lowercase())
}

/// The language there is a file for that serves `tag` best: the same language and region
/// ("pt-BR"), else the language alone ("pt"), else the language in any region ("pt-PT" is served
/// by "pt-BR" rather than by another language).
pub fn best_match(tag: &str) -> Option<&'static str> {
    let primary = primary_subtag(tag)?;
    let language_of = |code: &str| code.split('-').next() == Some(primary.as_str());
    // The region is the first two-letter subtag after the language (a script may come between).
    let region = tag
        .trim()
        .split(['-', '_'])
        .skip(1)
        .find(|p| p.len() == 2 && p.chars().all(|c| c.is_ascii_alphabetic()));
    let exact = region.and_then(|region| {
        available().find(|code| {
            language_of(code)
                && code
                    .split_once('-')
                    .is_some_and(|(_, r)| r.eq_ignore_ascii_case(region))
        })
    });
    exact
        .or_else(|| available().find(|code| *code == primary))
        .or_else(|| available().find(|code| language_of(code)))
}

/// The first candidate language there is a file for ([`best_match`]), else [`DEFAULT_LOCALE`].
pub fn negotiate<'a>(candidates: impl IntoIterator<Item = &'a str>) -> &'static str {
    candidates
        .into_iter()
        .find_map(best_match)
        .unwrap_or(DEFAULT_LOCALE)
}

/// The messages of one language, with English behind them for anything missing.
#[derive(Clone, Debug)]
pub struct Messages(Arc<Inner>);

#[derive(Debug)]
struct Inner {
    table: Table,
    fallback: Option<Table>,
    /// The host's own texts (the `texts` setting), by key: they win over the table.
    texts: Vec<(String, &'static str)>,
}

/// Whether `key` names a message (a plural one with its category) and `text` uses only that
/// message's placeholders: what the host's `texts` setting may give.
#[inline(never)]
pub fn check_text(key: &str, text: &str) -> Result<(), String> {
    let plural = PLURALS.iter().find(|m| {
        key.strip_prefix(m.key())
            .and_then(|rest| rest.strip_prefix('.'))
            .is_some_and(|category| CATEGORIES.contains(&category))
    });
    let reference = match plural {
        Some(msg) => format!("{}.other", msg.key()),
        None if Msg::ALL
            .iter()
            .any(|m| m.key() == key && !PLURALS.contains(m)) =>
        {
            key.to_owned()
        }
        None => return Err(format!("has a text for \"{key}\", which is not a message")),
    };
    let english = load(DEFAULT_LOCALE);
    let allowed = english
        .as_ref()
        .and_then(|t| t.get(&reference))
        .map(placeholders)
        .unwrap_or_default();
    match placeholders(text)
        .into_iter()
        .find(|p| !allowed.contains(p))
    {
        Some(unknown) => Err(format!(
            "has a text for {key} with a placeholder it does not have: {{{unknown}}}"
        )),
        None => Ok(()),
    }
}

thread_local! {
    /// The host's texts, kept for the page's lifetime: messages are `&'static str` everywhere,
    /// and a text given again (settings updated) is stored once.
    static HOST_TEXTS: std::cell::RefCell<Vec<&'static str>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn keep(text: &str) -> &'static str {
    HOST_TEXTS.with(|kept| {
        let mut kept = kept.borrow_mut();
        if let Some(found) = kept.iter().find(|k| **k == text) {
            return *found;
        }
        let leaked: &'static str = Box::leak(text.to_owned().into_boxed_str());
        kept.push(leaked);
        leaked
    })
}

impl PartialEq for Messages {
    fn eq(&self, other: &Self) -> bool {
        self.code() == other.code()
    }
}

#[inline(never)]
fn load(code: &str) -> Option<Table> {
    let (code, text) = table_text(code)?;
    // A file that does not parse is caught by the tests; at run time it degrades to English.
    parse(code, text).ok()
}

impl Messages {
    /// The messages for a code from [`available`]; English for anything else.
    pub fn new(code: &str) -> Messages {
        Messages::with_texts(code, &[])
    }

    /// [`Messages::new`] with the host's own texts over the table (keys checked by
    /// [`check_text`]).
    pub fn with_texts(code: &str, texts: &[(String, String)]) -> Messages {
        let english = || {
            load(DEFAULT_LOCALE).unwrap_or(Table {
                code: DEFAULT_LOCALE,
                name: "English",
                entries: Vec::new(),
            })
        };
        let (table, fallback) = match load(code) {
            Some(table) if table.code != DEFAULT_LOCALE => (table, Some(english())),
            _ => (english(), None),
        };
        let texts = texts
            .iter()
            .map(|(key, text)| (key.clone(), keep(text)))
            .collect();
        Messages(Arc::new(Inner {
            table,
            fallback,
            texts,
        }))
    }

    /// A host's text for `key`, if it gave one.
    fn host_text(&self, key: &str) -> Option<&'static str> {
        self.0
            .texts
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, text)| *text)
    }

    /// The language code ("de").
    pub fn code(&self) -> &'static str {
        self.0.table.code
    }

    /// The language's own name ("Deutsch").
    #[cfg(all(test, not(target_arch = "wasm32")))]
    pub fn language_name(&self) -> &'static str {
        self.0.table.name
    }

    /// A message's text, placeholders untouched. Falls back to English, then to the key.
    pub fn get(&self, msg: Msg) -> &'static str {
        let key = msg.key();
        self.host_text(key)
            .or_else(|| self.0.table.get(key))
            .or_else(|| self.0.fallback.as_ref().and_then(|t| t.get(key)))
            .unwrap_or(key)
    }

    /// A message with its `{name}` placeholders filled.
    pub fn format(&self, msg: Msg, args: &[(&str, &str)]) -> String {
        fill(self.get(msg), args)
    }

    /// The form of a plural message (`Summary`, `SearchCount`) for `count` in this language, with
    /// `{count}` and the other placeholders filled.
    pub fn count(&self, msg: Msg, count: usize, args: &[(&str, &str)]) -> String {
        self.count_as(msg, count, &plural_category(self.code(), count), args)
    }

    /// [`Messages::count`] with the plural category given: the line for it, else `other`, else
    /// English's (whose category is worked out for English).
    fn count_as(&self, msg: Msg, count: usize, category: &str, args: &[(&str, &str)]) -> String {
        let form = |table: &Table, category: &str| {
            table
                .get(&format!("{}.{category}", msg.key()))
                .or_else(|| table.get(&format!("{}.other", msg.key())))
        };
        let template = self
            .host_text(&format!("{}.{category}", msg.key()))
            .or_else(|| form(&self.0.table, category))
            .or_else(|| {
                let english = self.0.fallback.as_ref()?;
                form(english, &plural_category(DEFAULT_LOCALE, count))
            })
            .unwrap_or(msg.key());
        let count = count.to_string();
        let mut all = vec![("count", count.as_str())];
        all.extend_from_slice(args);
        fill(template, &all)
    }
}

impl Messages {
    /// A moment in this language's date format, with the time of day when `with_time`, in the
    /// user's time zone: the browser's `Intl.DateTimeFormat`. Without a browser (server
    /// rendering, host tests) the UTC date and time as RFC 3339 writes them stand in.
    pub fn date(&self, ms: i64, with_time: bool) -> String {
        #[cfg(target_arch = "wasm32")]
        {
            crate::browser::format_date(self.code(), ms, with_time).unwrap_or_default()
        }
        #[cfg(not(target_arch = "wasm32"))]
        {
            Messages::rfc_3339_date(ms, with_time)
        }
    }

    /// [`Messages::date`] off the browser: the UTC date (and time) as RFC 3339 writes them.
    #[cfg(not(target_arch = "wasm32"))]
    fn rfc_3339_date(ms: i64, with_time: bool) -> String {
        let text = thryve_connect_protocol::timestamp::format(ms).unwrap_or_default();
        let (date, time) = text.split_once('T').unwrap_or((&text, ""));
        if with_time {
            format!("{date} {}", time.get(..5).unwrap_or(time))
        } else {
            date.to_owned()
        }
    }
}

/// The CLDR plural category of `count` in language `code`: the browser's `Intl.PluralRules`.
/// Without a browser (server rendering, host tests) English's rule stands in: the screen renders
/// no count on the server (the list's line shows its loading note there).
fn plural_category(code: &str, count: usize) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        crate::browser::plural_category(code, count)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = code;
        if count == 1 { "one" } else { "other" }.to_owned()
    }
}

fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end) => {
                let name = &after[..end];
                match args.iter().find(|(n, _)| *n == name) {
                    Some((_, value)) => out.push_str(value),
                    None => out.push_str(&rest[start..start + end + 2]),
                }
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The `{name}` placeholders of a template, in order (not sorted: a sort would cost the wasm
/// its own copy of the sorting code).
fn placeholders(template: &str) -> Vec<&str> {
    template
        .split('{')
        .skip(1)
        .filter_map(|part| part.split_once('}').map(|(name, _)| name))
        .collect()
}

// Host tests (`cargo test`); the browser tests are in tests/web/.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use thryve_connect_protocol::LOCALE_FILES;

    fn tables() -> Vec<Table> {
        LOCALE_FILES
            .iter()
            .map(|(code, text)| {
                parse(code, text).unwrap_or_else(|e| panic!("locales/{code}.txt: {e:?}"))
            })
            .collect()
    }

    #[test]
    fn the_shipped_languages_are_there() {
        let codes: Vec<_> = available().collect();
        for code in ["de", "en", "es", "fr", "it", "nl", "pl", "pt-BR"] {
            assert!(codes.contains(&code), "missing {code}");
        }
    }

    /// Every key a table may have: each message's, and a plural message's with a category.
    fn allowed_keys() -> BTreeSet<String> {
        let mut keys = BTreeSet::new();
        for msg in Msg::ALL {
            if PLURALS.contains(msg) {
                for category in CATEGORIES {
                    keys.insert(format!("{}.{category}", msg.key()));
                }
            } else {
                keys.insert(msg.key().to_owned());
            }
        }
        keys
    }

    fn sorted(mut names: Vec<&str>) -> Vec<&str> {
        names.sort_unstable();
        names
    }

    #[test]
    fn english_has_every_message_and_nothing_else() {
        let english = load(DEFAULT_LOCALE).expect("en.txt parses");
        let keys: BTreeSet<String> = english
            .entries
            .iter()
            .map(|(k, _)| (*k).to_owned())
            .collect();
        let mut expected: BTreeSet<String> = Msg::ALL
            .iter()
            .filter(|m| !PLURALS.contains(m))
            .map(|m| m.key().to_owned())
            .collect();
        for msg in PLURALS {
            // English's categories: `one` and `other`.
            expected.insert(format!("{}.one", msg.key()));
            expected.insert(format!("{}.other", msg.key()));
        }
        assert_eq!(keys, expected);
        assert_eq!(keys.len(), english.entries.len(), "a key is defined twice");
    }

    #[test]
    fn every_language_is_complete_and_uses_the_same_placeholders() {
        let english = load(DEFAULT_LOCALE).unwrap();
        for table in tables() {
            let keys: BTreeSet<&str> = table.entries.iter().map(|(k, _)| *k).collect();
            assert_eq!(
                keys.len(),
                table.entries.len(),
                "{}: a key is defined twice",
                table.code
            );
            // Every message, a plural one at least with `other`.
            for (key, _) in &english.entries {
                let plural = PLURALS
                    .iter()
                    .any(|m| key.starts_with(&format!("{}.", m.key())));
                if plural && !key.ends_with(".other") {
                    continue;
                }
                let translated = table
                    .get(key)
                    .unwrap_or_else(|| panic!("{} lacks the message {key:?}", table.code));
                assert!(!translated.is_empty(), "{}: {key} is empty", table.code);
            }
            // Nothing else, and every line with the placeholders of its English message.
            let allowed = allowed_keys();
            for (key, text) in &table.entries {
                assert!(
                    allowed.contains(*key),
                    "{}: {key} is not a message (or a plural category)",
                    table.code
                );
                let base = PLURALS
                    .iter()
                    .find(|m| key.starts_with(&format!("{}.", m.key())))
                    .map(|m| format!("{}.other", m.key()));
                let reference = english.get(base.as_deref().unwrap_or(key)).unwrap();
                assert_eq!(
                    sorted(placeholders(text)),
                    sorted(placeholders(reference)),
                    "{}: {key} has other placeholders than English",
                    table.code
                );
            }
            assert_ne!(table.name, table.code, "{}: set @name", table.code);
        }
    }

    #[test]
    fn every_language_has_a_line_for_each_plural_category_it_counts_sources_in() {
        // CLDR's categories for whole numbers below a million (`many` in French, Spanish,
        // Italian and Portuguese is for millions; `other` is checked above).
        let categories = |code: &str| match code {
            "pl" => &["one", "few", "many"][..],
            _ => &["one"][..],
        };
        for table in tables() {
            for msg in PLURALS {
                for category in categories(table.code) {
                    let key = format!("{}.{category}", msg.key());
                    assert!(table.get(&key).is_some(), "{} lacks {key}", table.code);
                }
            }
        }
    }

    #[test]
    fn parse_rejects_broken_lines() {
        assert_eq!(parse("xx", "a = b\nbroken\n").unwrap_err().line, 2);
        assert!(
            parse("xx", "@plural = one").is_err(),
            "plurals come from the browser"
        );
        assert!(parse("xx", " = b").is_err());
        assert!(parse("xx", "@other = b").is_err());
        let table = parse("xx", "# c\n\n@name = X\nk = v = w\n").unwrap();
        assert_eq!(table.get("k"), Some("v = w"));
    }

    #[test]
    fn negotiation() {
        assert_eq!(negotiate(["de-AT"]), "de");
        assert_eq!(negotiate(["sv", "fr-CA", "de"]), "fr");
        assert_eq!(negotiate(["ES"]), "es");
        assert_eq!(negotiate(["sv", "x"]), DEFAULT_LOCALE);
        assert_eq!(negotiate([]), DEFAULT_LOCALE);
        // Regions: the exact one, then the language alone, then the language in another region,
        // before the next preference.
        assert_eq!(negotiate(["pt-BR"]), "pt-BR");
        assert_eq!(negotiate(["pt_br"]), "pt-BR");
        assert_eq!(negotiate(["pt", "en"]), "pt-BR");
        assert_eq!(negotiate(["pt-PT", "en"]), "pt-BR");
        assert_eq!(negotiate(["PT-Latn-BR"]), "pt-BR");
        assert_eq!(negotiate(["sv-SE", "pl-PL", "en"]), "pl");
        assert_eq!(negotiate(["en-GB", "pt-BR"]), "en");
        assert_eq!(best_match("zz-BR"), None);
        assert_eq!(best_match("not a tag"), None);
        assert_eq!(primary_subtag("not a tag"), None);
        assert_eq!(primary_subtag("en-"), None);
        assert_eq!(primary_subtag("zh-Hant-TW").as_deref(), Some("zh"));
    }

    #[test]
    fn formatting_fills_placeholders_and_keeps_unknown_ones() {
        assert_eq!(
            fill("Connect {source}", &[("source", "Fitbit")]),
            "Connect Fitbit"
        );
        assert_eq!(fill("{a}{b}", &[("a", "1"), ("b", "2")]), "12");
        assert_eq!(fill("keep {x} and {", &[]), "keep {x} and {");
        assert_eq!(fill("{source}", &[("source", "{source}")]), "{source}");
    }

    #[test]
    fn plurals_take_the_line_of_their_category() {
        let en = Messages::new("en");
        // Without a browser English's rule stands in (the browser tests use Intl.PluralRules).
        assert_eq!(en.count(Msg::Summary, 1, &[]), "1 source connected");
        assert_eq!(en.count(Msg::Summary, 2, &[]), "2 sources connected");
        assert_eq!(en.count(Msg::Summary, 0, &[]), "0 sources connected");
        // A category the language has no line for falls back to `other`.
        assert_eq!(
            en.count_as(Msg::Summary, 3, "few", &[]),
            "3 sources connected"
        );
        // French says 0 in the singular: Intl.PluralRules gives `one` for it.
        let fr = Messages::new("fr");
        assert_eq!(
            fr.count_as(Msg::SearchCount, 0, "one", &[]),
            fill(
                fr.0.table.get("search.count.one").unwrap(),
                &[("count", "0")]
            )
        );
    }

    #[test]
    fn a_language_with_more_categories_gets_each_form() {
        // Polish: 1 plik, 2 pliki (few), 5 plików (many).
        let table = parse(
            "pl",
            "@name = Polski\nsearch.count.one = {count} źródło\nsearch.count.few = {count} źródła\nsearch.count.many = {count} źródeł\nsearch.count.other = {count} źródła\n",
        )
        .unwrap();
        let polish = Messages(Arc::new(Inner {
            table,
            fallback: Some(load(DEFAULT_LOCALE).unwrap()),
            texts: Vec::new(),
        }));
        assert_eq!(polish.count_as(Msg::SearchCount, 1, "one", &[]), "1 źródło");
        assert_eq!(polish.count_as(Msg::SearchCount, 3, "few", &[]), "3 źródła");
        assert_eq!(
            polish.count_as(Msg::SearchCount, 5, "many", &[]),
            "5 źródeł"
        );
        // A message the table lacks comes from English, in English's category.
        assert_eq!(
            polish.count_as(Msg::Summary, 5, "many", &[]),
            "5 sources connected"
        );
    }

    #[test]
    fn the_hosts_texts_win_and_are_checked() {
        let texts = [
            ("title".to_owned(), "Link your wearables".to_owned()),
            (
                "summary.connected.other".to_owned(),
                "{count} linked".to_owned(),
            ),
        ];
        let de = Messages::with_texts("de", &texts);
        assert_eq!(de.get(Msg::Title), "Link your wearables");
        assert_eq!(de.count_as(Msg::Summary, 2, "other", &[]), "2 linked");
        assert_eq!(
            de.count_as(Msg::Summary, 1, "one", &[]),
            "1 Quelle verbunden"
        );
        assert_ne!(de.get(Msg::Intro), Messages::new("en").get(Msg::Intro));

        assert_eq!(check_text("title", "Hi"), Ok(()));
        assert_eq!(check_text("button.connect.named", "Link {source}"), Ok(()));
        assert_eq!(check_text("search.count.few", "{count} found"), Ok(()));
        assert!(check_text("colour", "red")
            .unwrap_err()
            .contains("not a message"));
        assert!(
            check_text("search.count", "x").is_err(),
            "a plural needs its category"
        );
        assert!(check_text("search.count.lots", "x").is_err());
        assert!(check_text("title", "Hi {source}")
            .unwrap_err()
            .contains("{source}"));
    }

    #[test]
    fn dates_off_the_browser_are_rfc_3339() {
        // The browser's Intl.DateTimeFormat is checked by the browser tests.
        let en = Messages::new("en");
        assert_eq!(en.date(1_769_853_600_000, false), "2026-01-31");
        assert_eq!(en.date(1_769_853_600_000, true), "2026-01-31 10:00");
    }

    #[test]
    fn unknown_codes_fall_back_to_english() {
        let messages = Messages::new("xx");
        assert_eq!(messages.code(), "en");
        assert_eq!(messages.get(Msg::ButtonConnect), "Connect");
        let de = Messages::new("de");
        assert_eq!(de.language_name(), "Deutsch");
        assert_ne!(de.get(Msg::ButtonConnect), "Connect");
    }

    fn file(code: &str) -> &'static str {
        LOCALE_FILES
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, text)| *text)
            .unwrap_or_else(|| panic!("locales/{code}.txt"))
    }

    #[cfg(not(feature = "bundled-languages"))]
    #[test]
    fn without_bundled_languages_only_english_is_compiled_in() {
        assert!(has_language("en"));
        assert!(
            available().any(|code| code == "de"),
            "every language can be chosen"
        );
        assert!(!has_language("de"));
        assert_eq!(
            Messages::new("de").code(),
            "en",
            "English until the table is added"
        );
        add_language("de", file("de")).unwrap();
        assert_eq!(Messages::new("de").code(), "de");
    }

    #[test]
    fn a_shipped_table_can_be_added_at_run_time() {
        assert_eq!(add_language("de", file("de")), Ok(()));
        assert!(has_language("de"));
        assert_eq!(Messages::new("de").get(Msg::ButtonConnect), "Verbinden");
        // Given again: the new text replaces the first.
        let edited = file("de").replace("button.connect = Verbinden", "button.connect = Koppeln");
        assert_eq!(add_language("de", &edited), Ok(()));
        assert_eq!(Messages::new("de").get(Msg::ButtonConnect), "Koppeln");
        add_language("de", file("de")).unwrap();
    }

    #[test]
    fn a_table_added_at_run_time_is_checked() {
        let refused = |code: &str, text: &str| add_language(code, text).unwrap_err();
        assert!(refused("xx", file("de")).contains("is not one of the languages"));
        assert!(refused("DE", file("de")).contains("is not one of the languages"));
        assert!(refused("fr", "button.connect Connecter").contains("line 1"));
        let without_intro: String = file("fr")
            .lines()
            .filter(|line| !line.starts_with("intro"))
            .map(|line| format!("{line}\n"))
            .collect();
        assert!(
            refused("fr", &without_intro).contains("no line for intro"),
            "{}",
            refused("fr", &without_intro)
        );
        let without_other: String = file("fr")
            .lines()
            .filter(|line| !line.starts_with("summary.connected.other"))
            .map(|line| format!("{line}\n"))
            .collect();
        assert!(refused("fr", &without_other).contains("summary.connected.other"));
        let unknown = format!("{}\nbutton.fly = Voler\n", file("fr"));
        assert!(refused("fr", &unknown).contains("button.fly"));
        let placeholder = file("fr").replace("{source}", "{name}");
        assert!(refused("fr", &placeholder).contains("{name}"));
    }
}
