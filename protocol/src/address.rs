//! URLs for both halves at the cost of neither: in the browser the browser's own WHATWG URL
//! parser does the parsing (the `url` crate would add about 40 KB of code to the wasm for the
//! same work), everywhere else the `url` crate does. Both follow the WHATWG URL standard; the
//! form encoding of query pairs is ours, the same code on both sides.
//!
//! The browser build keeps only the serialized URL (`href`); a query and a fragment are read off
//! it (in a serialized URL the first `#` starts the fragment and the first `?` before it starts
//! the query: both are percent-encoded anywhere else). Engines stray from the standard in corners
//! (Chromium takes a space in a host name, which the standard and the `url` crate refuse); what
//! the screen relies on (schemes, origins, resolving relative URLs, query and fragment, our
//! encoding) is checked in both implementations by the same cases below.

use std::fmt;

/// A parsed absolute URL.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Url {
    #[cfg(not(target_arch = "wasm32"))]
    inner: url::Url,
    #[cfg(target_arch = "wasm32")]
    href: String,
}

/// A text that is not a URL (or not one relative to its base).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParseError;

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a valid URL")
    }
}

impl std::error::Error for ParseError {}

#[cfg(not(target_arch = "wasm32"))]
impl Url {
    /// Parses an absolute URL.
    pub fn parse(text: &str) -> Result<Url, ParseError> {
        url::Url::parse(text)
            .map(|inner| Url { inner })
            .map_err(|_| ParseError)
    }

    /// Resolves `text` against this URL, as a link on this page would be.
    pub fn join(&self, text: &str) -> Result<Url, ParseError> {
        self.inner
            .join(text)
            .map(|inner| Url { inner })
            .map_err(|_| ParseError)
    }

    /// The serialized URL.
    pub fn as_str(&self) -> &str {
        self.inner.as_str()
    }

    /// The path ("/settings/sources").
    pub fn path(&self) -> String {
        self.inner.path().to_owned()
    }

    /// Replaces the path.
    pub fn set_path(&mut self, path: &str) {
        self.inner.set_path(path);
    }

    /// The origin as the browser writes it ("https://app.example.com", "null" for an opaque one).
    pub fn origin(&self) -> String {
        self.inner.origin().ascii_serialization()
    }

    /// Replaces the query (percent-encoding what a query may not hold); `None` removes it.
    pub fn set_query(&mut self, query: Option<&str>) {
        self.inner.set_query(query);
    }

    /// Replaces the fragment (percent-encoding what a fragment may not hold); `None` removes it.
    pub fn set_fragment(&mut self, fragment: Option<&str>) {
        self.inner.set_fragment(fragment);
    }

    /// The `url` crate's URL (the server's type).
    pub fn into_inner(self) -> url::Url {
        self.inner
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl From<url::Url> for Url {
    fn from(inner: url::Url) -> Url {
        Url { inner }
    }
}

#[cfg(target_arch = "wasm32")]
impl Url {
    fn from_browser(
        parsed: Result<web_sys::Url, wasm_bindgen::JsValue>,
    ) -> Result<Url, ParseError> {
        parsed
            .map(|url| Url { href: url.href() })
            .map_err(|_| ParseError)
    }

    fn browser(&self) -> Option<web_sys::Url> {
        web_sys::Url::new(&self.href).ok()
    }

    /// Parses an absolute URL.
    pub fn parse(text: &str) -> Result<Url, ParseError> {
        Url::from_browser(web_sys::Url::new(text))
    }

    /// Resolves `text` against this URL, as a link on this page would be.
    pub fn join(&self, text: &str) -> Result<Url, ParseError> {
        Url::from_browser(web_sys::Url::new_with_base(text, &self.href))
    }

    /// The serialized URL.
    pub fn as_str(&self) -> &str {
        &self.href
    }

    /// The path ("/settings/sources").
    pub fn path(&self) -> String {
        self.browser().map(|url| url.pathname()).unwrap_or_default()
    }

    /// Replaces the path (of a URL with a hierarchical path, such as every http(s) URL).
    pub fn set_path(&mut self, path: &str) {
        if let Some(url) = self.browser() {
            url.set_pathname(path);
            self.href = url.href();
        }
    }

    /// The origin as the browser writes it ("https://app.example.com", "null" for an opaque one).
    pub fn origin(&self) -> String {
        self.browser()
            .map(|url| url.origin())
            .unwrap_or_else(|| "null".to_owned())
    }

    /// Replaces the query (percent-encoding what a query may not hold); `None` removes it.
    pub fn set_query(&mut self, query: Option<&str>) {
        let (before, fragment) = split_fragment(&self.href);
        let (base, _) = split_query(before);
        let mut href = base.to_owned();
        if let Some(query) = query {
            // A `#` in the text is the query's own (as the `url` crate takes it), not a fragment.
            href.push('?');
            href.push_str(&query.replace('#', "%23"));
        }
        if let Some(fragment) = fragment {
            href.push('#');
            href.push_str(fragment);
        }
        if let Ok(url) = web_sys::Url::new(&href) {
            self.href = url.href();
        }
    }

    /// Replaces the fragment (percent-encoding what a fragment may not hold); `None` removes it.
    pub fn set_fragment(&mut self, fragment: Option<&str>) {
        let (before, _) = split_fragment(&self.href);
        let mut href = before.to_owned();
        if let Some(fragment) = fragment {
            href.push('#');
            href.push_str(fragment);
        }
        if let Ok(url) = web_sys::Url::new(&href) {
            self.href = url.href();
        }
    }
}

impl Url {
    /// The scheme, lower-case ("https").
    pub fn scheme(&self) -> &str {
        self.as_str().split(':').next().unwrap_or_default()
    }

    /// The query without its `?`, when there is one (`Some("")` for a bare `?`).
    pub fn query(&self) -> Option<&str> {
        split_query(split_fragment(self.as_str()).0).1
    }

    /// The fragment without its `#`, when there is one.
    pub fn fragment(&self) -> Option<&str> {
        split_fragment(self.as_str()).1
    }

    /// Whether both are http(s) URLs of the same origin (scheme, host and port); any other URL
    /// is of no origin but its own.
    pub fn same_origin(&self, other: &Url) -> bool {
        let web = |url: &Url| matches!(url.scheme(), "http" | "https");
        web(self) && web(other) && self.origin() == other.origin()
    }

    /// The query's name/value pairs, decoded (`+` is a space).
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        self.query().map(form_pairs).unwrap_or_default()
    }

    /// Adds pairs to the end of the query, form-encoded; the query's existing text stays as it is.
    pub fn append_pairs(&mut self, pairs: &[(&str, &str)]) {
        let added = form_encode(pairs.iter().copied());
        if added.is_empty() {
            return;
        }
        let query = match self.query() {
            Some(query) if !query.is_empty() => format!("{query}&{added}"),
            _ => added,
        };
        self.set_query(Some(&query));
    }
}

impl fmt::Display for Url {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Url {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Url({:?})", self.as_str())
    }
}

/// `(before, fragment)`: a serialized URL split at its first `#`.
fn split_fragment(href: &str) -> (&str, Option<&str>) {
    match href.split_once('#') {
        Some((before, fragment)) => (before, Some(fragment)),
        None => (href, None),
    }
}

/// `(before, query)`: a serialized URL without fragment split at its first `?`.
fn split_query(href: &str) -> (&str, Option<&str>) {
    match href.split_once('?') {
        Some((before, query)) => (before, Some(query)),
        None => (href, None),
    }
}

/// Decodes `application/x-www-form-urlencoded` text (a query): `&`-separated pairs, empty ones
/// skipped, split at the first `=`, `+` as a space, `%XX` as bytes, invalid UTF-8 replaced.
pub fn form_pairs(text: &str) -> Vec<(String, String)> {
    text.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (form_decode(name), form_decode(value))
        })
        .collect()
}

fn form_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |at: usize| bytes.get(at).and_then(|b| (*b as char).to_digit(16));
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => match (hex(i + 1), hex(i + 2)) {
                (Some(high), Some(low)) => {
                    out.push((high * 16 + low) as u8);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Encodes pairs as `application/x-www-form-urlencoded`: letters, digits and `*-._` as they
/// are, a space as `+`, every other byte of the UTF-8 as `%XX`.
pub fn form_encode<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut out = String::new();
    for (name, value) in pairs {
        if !out.is_empty() {
            out.push('&');
        }
        form_encode_into(name, &mut out);
        out.push('=');
        form_encode_into(value, &mut out);
    }
    out
}

fn form_encode_into(text: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for byte in text.bytes() {
        match byte {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                out.push(byte as char)
            }
            b' ' => out.push('+'),
            _ => {
                out.push('%');
                out.push(HEX[usize::from(byte >> 4)] as char);
                out.push(HEX[usize::from(byte & 15)] as char);
            }
        }
    }
}

/// The behaviour both implementations must share: run on the host (`cargo test`) and in the
/// browser (`cargo test --target wasm32-unknown-unknown`, the browser's URL parser).
#[cfg(test)]
mod cases {
    use super::*;

    pub fn parts_of_a_url() {
        let url = Url::parse("HTTPS://App.Example.com:443/a/b?x=1&y=%20#top?z").unwrap();
        assert_eq!(url.as_str(), "https://app.example.com/a/b?x=1&y=%20#top?z");
        assert_eq!(url.scheme(), "https");
        assert_eq!(url.query(), Some("x=1&y=%20"));
        assert_eq!(url.fragment(), Some("top?z"));
        assert_eq!(url.path(), "/a/b");
        assert_eq!(url.origin(), "https://app.example.com");
        assert_eq!(
            url.query_pairs(),
            vec![("x".into(), "1".into()), ("y".into(), " ".into())]
        );
        let bare = Url::parse("https://a.test/?").unwrap();
        assert_eq!(bare.query(), Some(""));
        assert_eq!(Url::parse("https://a.test/").unwrap().query(), None);
        assert!(Url::parse("/relative").is_err());
        assert_eq!(
            url.join("../c?q").unwrap().as_str(),
            "https://app.example.com/c?q"
        );
        assert_eq!(
            url.join("//other.test/x").unwrap().as_str(),
            "https://other.test/x"
        );
        let mut path = Url::parse("https://a.test/base?q#f").unwrap();
        path.set_path("/base/");
        assert_eq!(path.as_str(), "https://a.test/base/?q#f");
    }

    pub fn origins() {
        let page = Url::parse("https://app.example.com/x").unwrap();
        assert!(page.same_origin(&Url::parse("https://app.example.com:443/y?z").unwrap()));
        assert!(!page.same_origin(&Url::parse("http://app.example.com/x").unwrap()));
        assert!(!page.same_origin(&Url::parse("https://evil.example.com/x").unwrap()));
        assert!(!page.same_origin(&Url::parse("https://app.example.com.evil.test/").unwrap()));
        let opaque = Url::parse("data:text/plain,hi").unwrap();
        assert_eq!(opaque.origin(), "null");
        assert!(
            !opaque.same_origin(&opaque.clone()),
            "an opaque origin matches nothing"
        );
    }

    pub fn appending_keeps_the_query_as_written() {
        let mut url = Url::parse("https://a.test/p?debug&q=a%20b#frag").unwrap();
        url.append_pairs(&[("tc_attempt", "n 1&")]);
        assert_eq!(
            url.as_str(),
            "https://a.test/p?debug&q=a%20b&tc_attempt=n+1%26#frag"
        );
        let mut plain = Url::parse("https://a.test/p").unwrap();
        plain.append_pairs(&[("a", "1"), ("b", "ä")]);
        assert_eq!(plain.as_str(), "https://a.test/p?a=1&b=%C3%A4");
        plain.set_query(Some("x=#1"));
        assert_eq!(plain.as_str(), "https://a.test/p?x=%231");
        plain.set_query(None);
        plain.set_fragment(Some("x y"));
        assert_eq!(plain.as_str(), "https://a.test/p#x%20y");
        plain.set_fragment(None);
        assert_eq!(plain.as_str(), "https://a.test/p");
        let mut bare = Url::parse("https://a.test/?").unwrap();
        bare.append_pairs(&[("k", "v")]);
        assert_eq!(bare.as_str(), "https://a.test/?k=v");
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parts_of_a_url() {
        cases::parts_of_a_url();
    }

    #[test]
    fn origins() {
        cases::origins();
    }

    #[test]
    fn appending_keeps_the_query_as_written() {
        cases::appending_keeps_the_query_as_written();
    }

    proptest! {
        /// Our form encoding is the `url` crate's, byte for byte, both ways.
        #[test]
        fn form_encoding_is_the_url_crates(
            pairs in proptest::collection::vec(("\\PC{0,8}", "\\PC{0,12}"), 0..4),
            text in "[a-z%+=&0-9A-F\\PC]{0,24}",
        ) {
            let ours = form_encode(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
            let theirs = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(&pairs)
                .finish();
            prop_assert_eq!(&ours, &theirs);
            prop_assert_eq!(form_pairs(&ours), pairs);
            let decoded: Vec<(String, String)> = url::form_urlencoded::parse(text.as_bytes())
                .into_owned()
                .collect();
            prop_assert_eq!(form_pairs(&text), decoded);
        }
    }
}

#[cfg(all(test, target_arch = "wasm32"))]
mod browser_tests {
    use super::cases;
    use wasm_bindgen_test::*;

    wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test]
    fn parts_of_a_url() {
        cases::parts_of_a_url();
    }

    #[wasm_bindgen_test]
    fn origins() {
        cases::origins();
    }

    #[wasm_bindgen_test]
    fn appending_keeps_the_query_as_written() {
        cases::appending_keeps_the_query_as_written();
    }
}
