//! The host's settings as given: the text of each attribute, the JSON block, and the settings
//! object a script passes.

use crate::catalogue::SourceId;
use thryve_connect_protocol::ids::IdMap;
use thryve_connect_protocol::json::Json;

/// The host's settings as given: each field is the text of the attribute named beside it
/// (`token-endpoint` on `<thryve-connect>`, `data-token-endpoint` on a `<div>` mount).
/// `None` means "not set" (the default applies).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Settings {
    /// `token-endpoint`
    pub token_endpoint: Option<String>,
    /// `status-endpoint`
    pub status_endpoint: Option<String>,
    /// `thryve-base-url`
    pub thryve_base_url: Option<String>,
    /// `redirect-uri`
    pub redirect_uri: Option<String>,
    /// `sources`: comma-separated IDs in display order
    pub sources: Option<String>,
    /// `open`: `same-tab` | `new-tab`
    pub open: Option<String>,
    /// `disconnect`: `background` | `navigate`
    pub disconnect: Option<String>,
    /// `locale`
    pub locale: Option<String>,
    /// `show-native`: `true` | `false`
    pub show_native: Option<String>,
    /// `token-max-age`: seconds
    pub token_max_age: Option<String>,
    /// `request-timeout`: seconds
    pub request_timeout: Option<String>,
    /// `heading-level`: 1 to 6, the level of the screen's title (2 by default, to sit under
    /// the host page's own `h1`)
    pub heading_level: Option<String>,
    /// `theme`: `light` | `dark` (the system's choice when not set)
    pub theme: Option<String>,
    /// `prefetch`: `true` | `false`, whether the loader sends the first session and status
    /// requests before the app has arrived
    pub prefetch: Option<String>,
    /// `credentials`: `same-origin` | `include` | `omit`, what the requests to the token and
    /// status endpoints carry (`include` for cookies of an API on another origin)
    pub credentials: Option<String>,
    /// The text of a `<script type="application/json">` inside the mount element: see [`Extras`].
    pub json: Option<String>,
    /// The settings object given from JavaScript (`element.settings = {…}`, `mount(el, {…})`), as
    /// JSON: the attributes in camelCase (`tokenEndpoint`) plus the fields of [`Extras`]. It wins
    /// over the attributes and the JSON block.
    pub object: Option<String>,
}

/// Where an attribute's text goes in [`Settings`].
pub type SettingsField = fn(&mut Settings) -> &mut Option<String>;

/// The prefix of the settings' attributes on a `<div>` mount (`data-sources`); the
/// `<thryve-connect>` element takes them without it (`sources`).
pub const DATA_PREFIX: &str = "data-";

impl Settings {
    /// The attributes, by name (without the `data-` prefix), and the field each fills.
    pub const ATTRIBUTES: &'static [(&'static str, SettingsField)] = &[
        ("token-endpoint", |s| &mut s.token_endpoint),
        ("status-endpoint", |s| &mut s.status_endpoint),
        ("thryve-base-url", |s| &mut s.thryve_base_url),
        ("redirect-uri", |s| &mut s.redirect_uri),
        ("sources", |s| &mut s.sources),
        ("open", |s| &mut s.open),
        ("disconnect", |s| &mut s.disconnect),
        ("locale", |s| &mut s.locale),
        ("show-native", |s| &mut s.show_native),
        ("token-max-age", |s| &mut s.token_max_age),
        ("request-timeout", |s| &mut s.request_timeout),
        ("heading-level", |s| &mut s.heading_level),
        ("theme", |s| &mut s.theme),
        ("prefetch", |s| &mut s.prefetch),
        ("credentials", |s| &mut s.credentials),
    ];

    /// Fills settings from an attribute reader (`Element::get_attribute` in the browser), each
    /// name being `prefix` followed by the attribute's name ("" or [`DATA_PREFIX`]).
    pub fn from_attributes(prefix: &str, get: impl Fn(&str) -> Option<String>) -> Settings {
        let mut settings = Settings::default();
        for (name, field) in Self::ATTRIBUTES {
            *field(&mut settings) = get(&format!("{prefix}{name}"));
        }
        settings
    }
}

/// What the JSON settings block may hold: what attributes cannot say well.
///
/// ```json
/// { "sources": [11, 1, 18], "names": {"1": "Fitbit"}, "logos": {"1": "/img/fitbit.svg"},
///   "featured": [18], "hidden": [2] }
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Extras {
    /// Display order; wins over `sources` when both are given.
    pub sources: Option<Vec<SourceId>>,
    /// Display names that replace the catalogue's (and name sources it does not know yet).
    pub names: IdMap<String>,
    /// Logo image URLs, by source.
    pub logos: IdMap<String>,
    /// Sources shown first and marked as recommended.
    pub featured: Vec<SourceId>,
    /// Sources never shown.
    pub hidden: Vec<SourceId>,
    /// The host's own wording for any message, by key (`{"title": "Link your wearables"}`), in
    /// the screen's language; checked against the messages and their placeholders.
    pub texts: Vec<(String, String)>,
    /// Extra request headers for the token and status endpoints (`Authorization`, …): only from
    /// the settings object or the builder, never from markup, so that secrets stay out of the
    /// page's HTML.
    pub headers: Vec<(String, String)>,
}

impl Extras {
    /// Reads the JSON settings block: an object of the fields above (no `headers`), nothing else.
    pub fn from_json(text: &str) -> Result<Extras, String> {
        let json = Json::parse(text).map_err(|e| e.to_string())?;
        let members = json.as_object().ok_or("must be an object")?;
        let mut extras = Extras::default();
        for (key, value) in members {
            if key == "sources" && value.is_null() {
                extras.sources = None;
                continue;
            }
            extras
                .set(key, value)
                .map_err(|problem| format!("\"{key}\" {problem}"))?;
        }
        Ok(extras)
    }

    /// Sets the field `key` (`sources`, `names`, `logos`, `featured` or `hidden`).
    fn set(&mut self, key: &str, value: &Json) -> Result<(), String> {
        match key {
            "sources" => self.sources = Some(ids(value)?),
            "names" => self.names = by_source(value)?,
            "logos" => self.logos = by_source(value)?,
            "featured" => self.featured = ids(value)?,
            "hidden" => self.hidden = ids(value)?,
            "texts" => self.texts = texts(value)?,
            _ => return Err("is not a setting".to_owned()),
        }
        Ok(())
    }
}

/// A list of source IDs.
fn ids(value: &Json) -> Result<Vec<SourceId>, String> {
    let invalid = || "is not valid: it must be a list of source IDs".to_owned();
    let items = value.as_array().ok_or_else(invalid)?;
    items
        .iter()
        .map(|id| {
            id.as_u64()
                .and_then(|id| SourceId::try_from(id).ok())
                .ok_or_else(invalid)
        })
        .collect()
}

/// The host's texts by message key; every key a message, every placeholder one of its own.
fn texts(value: &Json) -> Result<Vec<(String, String)>, String> {
    let members = value
        .as_object()
        .ok_or("must be an object of message keys and texts")?;
    let mut texts: Vec<(String, String)> = Vec::new();
    for (key, text) in members {
        let text = text
            .as_str()
            .ok_or_else(|| format!("has a text for {key} that is not a string"))?;
        crate::i18n::check_text(key, text)?;
        // A key given twice: the last text, as in a JavaScript object.
        texts.retain(|(given, _)| given != key);
        texts.push((key.clone(), text.to_owned()));
    }
    Ok(texts)
}

/// An object of texts by source ID (`{"1": "Fitbit"}`).
fn by_source(value: &Json) -> Result<IdMap<String>, String> {
    let invalid = || "is not valid: it must map source IDs to texts".to_owned();
    let mut map = IdMap::new();
    for (id, text) in value.as_object().ok_or_else(invalid)? {
        let id = id.parse().map_err(|_| invalid())?;
        map.insert(id, text.as_str().ok_or_else(invalid)?.to_owned());
    }
    Ok(map)
}

/// The camelCase name of an attribute in the settings object: `token-endpoint` ->
/// `tokenEndpoint`.
pub fn camel_case(attribute: &str) -> String {
    let mut out = String::with_capacity(attribute.len());
    let mut upper = false;
    for c in attribute.chars() {
        if c == '-' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Lays the settings object (JSON) over `settings` and `extras`: a scalar field replaces the
/// attribute's text (numbers and booleans as their text), `sources` may also be an array, the
/// [`Extras`] fields replace the JSON block's, and `null` anywhere means "not given". Returns
/// every problem.
pub(super) fn apply_object(
    text: &str,
    settings: &mut Settings,
    extras: &mut Extras,
) -> Result<(), Vec<String>> {
    let object = match Json::parse(text) {
        Ok(Json::Object(object)) => object,
        Ok(_) => return Err(vec!["must be an object".into()]),
        Err(e) => return Err(vec![e.to_string()]),
    };
    let mut problems = Vec::new();
    for (key, value) in object {
        // `null` is "not given": what the attributes (or the defaults) say applies.
        if value.is_null() {
            continue;
        }
        let scalar = Settings::ATTRIBUTES
            .iter()
            .find(|(name, _)| camel_case(name) == key);
        let result = match (key.as_str(), scalar) {
            ("sources", _) if value.as_array().is_some() => extras.set(&key, &value),
            (_, Some((_, slot))) => scalar_text(value).map(|text| *slot(settings) = text),
            ("names" | "logos" | "featured" | "hidden" | "texts", _) => extras.set(&key, &value),
            ("headers", _) => headers(value).map(|v| extras.headers = v),
            // Functions never reach this JSON: what does is something else.
            ("getSession" | "getStatus", _) => Err("must be a function".to_owned()),
            _ => Err("is not a setting".to_owned()),
        };
        if let Err(problem) = result {
            problems.push(format!("\"{key}\" {problem}"));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// A scalar's text: numbers and booleans as written, `null` as "not set".
pub(crate) fn scalar_text(value: Json) -> Result<Option<String>, String> {
    match value {
        Json::Null => Ok(None),
        Json::String(text) | Json::Number(text) => Ok(Some(text)),
        Json::Bool(b) => Ok(Some(b.to_string())),
        _ => Err("must be a string, a number or a boolean".to_owned()),
    }
}

/// Request headers: an object of names and text values. A name must be an HTTP token, a value
/// printable text; problems name the header, never its value (it may be a secret).
fn headers(value: Json) -> Result<Vec<(String, String)>, String> {
    let Json::Object(map) = value else {
        return Err("must be an object of header names and values".to_owned());
    };
    let mut headers: Vec<(String, String)> = Vec::new();
    for (name, value) in map {
        let token = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
        if !token {
            return Err(format!("has a header name that is not a token: \"{name}\""));
        }
        match value {
            // What fetch accepts: a line of Latin-1 text.
            Json::String(text) if text.chars().all(|c| !c.is_control() && c <= '\u{ff}') => {
                // A name given twice: the last value, as in a JavaScript object.
                headers.retain(|(given, _)| !given.eq_ignore_ascii_case(&name));
                headers.push((name, text));
            }
            _ => return Err(format!("has a value for {name} that is not a line of text")),
        }
    }
    Ok(headers)
}
