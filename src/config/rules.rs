//! The rules each setting is checked against; every problem is collected, not only the first.

use super::ConfigError;
use crate::catalogue::SourceId;
use crate::i18n;
use thryve_connect_protocol::address::Url;

/// Collects every problem instead of stopping at the first.
pub(super) struct Checker<'a>(pub(super) &'a mut Vec<ConfigError>);

impl Checker<'_> {
    pub(super) fn check<T>(
        &mut self,
        setting: &'static str,
        result: Result<T, String>,
    ) -> Option<T> {
        result
            .map_err(|problem| self.0.push(ConfigError { setting, problem }))
            .ok()
    }

    /// Puts a setting's checked value in its place; a problem is collected instead.
    pub(super) fn set<T>(
        &mut self,
        setting: &'static str,
        slot: &mut T,
        result: Result<T, String>,
    ) {
        if let Some(value) = self.check(setting, result) {
            *slot = value;
        }
    }
}

pub(super) fn non_empty(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

pub(super) fn http_url(page: &Url, value: &str) -> Result<Url, String> {
    let url = page
        .join(value.trim())
        .map_err(|e| format!("\"{value}\" is not a URL ({e})"))?;
    match url.scheme() {
        "http" | "https" => Ok(url),
        other => Err(format!(
            "\"{value}\" must be an http or https URL, not {other}:"
        )),
    }
}

pub(super) fn thryve_base(page: &Url, value: &str) -> Result<Url, String> {
    let mut url = http_url(page, value)?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!("\"{value}\" must not have a query or fragment"));
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

pub(super) fn redirect(page: &Url, value: &str) -> Result<Url, String> {
    let url = http_url(page, value)?;
    if !url.same_origin(page) {
        return Err(format!(
            "\"{value}\" is on another origin than this page ({}); the result can only be read on this page's origin",
            page.origin()
        ));
    }
    Ok(url)
}

/// One of `names` (any case), as the value at the same place in `values`; the default when
/// the setting is absent or blank.
pub(super) fn choice<T: Copy + Default, const N: usize>(
    value: &Option<String>,
    names: [&str; N],
    values: [T; N],
) -> Result<T, String> {
    Ok(match named(value, &names)? {
        Some(at) => values[at],
        None => T::default(),
    })
}

/// Where the setting is in `names`, `None` when it is absent or blank. Apart from [`choice`]
/// so that its code is there once, not once for each type of value.
fn named(value: &Option<String>, names: &[&str]) -> Result<Option<usize>, String> {
    let Some(value) = non_empty(value) else {
        return Ok(None);
    };
    match names
        .iter()
        .position(|name| name.eq_ignore_ascii_case(value))
    {
        Some(at) => Ok(Some(at)),
        None => Err(format!("\"{value}\" is not one of {}", names.join(", "))),
    }
}

/// A whole number in `range`; `unit` names what it counts in the error ("seconds").
pub(super) fn number(
    value: &Option<String>,
    default: u64,
    range: std::ops::RangeInclusive<u64>,
    unit: &str,
) -> Result<u64, String> {
    let Some(value) = non_empty(value) else {
        return Ok(default);
    };
    match value.parse::<u64>() {
        Ok(n) if range.contains(&n) => Ok(n),
        _ => Err(format!(
            "\"{value}\" must be a whole number{unit} from {} to {}",
            range.start(),
            range.end()
        )),
    }
}

/// The language to show: the explicit one (`data-locale`) when there is a table for it, then the
/// page's and the browser's preferences, then English. Never fails: also used to word the
/// configuration error itself.
pub fn choose_locale(explicit: Option<&str>, languages: &[String]) -> &'static str {
    let explicit = explicit.map(str::trim).filter(|v| !v.is_empty());
    i18n::negotiate(
        explicit
            .into_iter()
            .chain(languages.iter().map(String::as_str)),
    )
}

pub(super) fn locale(value: Option<&str>, languages: &[String]) -> Result<&'static str, String> {
    if let Some(tag) = value.map(str::trim).filter(|v| !v.is_empty()) {
        if i18n::primary_subtag(tag).is_none() {
            return Err(format!(
                "\"{tag}\" is not a language tag such as \"de\" or \"en-GB\""
            ));
        }
    }
    // An explicit but unsupported language is not an error: the next preference applies.
    Ok(choose_locale(value, languages))
}

pub(super) fn source_list(value: Option<&str>) -> Result<Option<Vec<SourceId>>, String> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    value
        .split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(|part| {
            part.parse::<SourceId>().map_err(|_| {
                format!("\"{part}\" is not a data source ID (a number such as 1 for Fitbit)")
            })
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}
