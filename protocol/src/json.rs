//! A small JSON reader and writer for what the screen exchanges: the token and status endpoints'
//! answers, the host's settings, the event details and what it keeps in the browser's storage.
//!
//! The browser build reads a handful of fields and writes a few small objects; `serde_json` and
//! serde's derived code cost it about 12 KB of gzipped WebAssembly for that, this module a
//! fraction. Numbers keep their text (`Number("1.50")`): the screen only reads whole numbers
//! (source IDs, timestamps) and passes the rest on as written, so no float parsing or printing
//! is linked in. The server keeps `serde_json`.

use std::fmt;

/// A JSON value. Objects keep their members in order; [`Json::get`] finds the last of a name,
/// as `JSON.parse` does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Json {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A number, as written in the text (valid JSON number syntax).
    Number(String),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object: its members in order.
    Object(Vec<(String, Json)>),
}

/// Why a text is not JSON: where the reader stopped (a byte offset).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JsonError {
    /// The byte offset of the problem.
    pub at: usize,
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not valid JSON (at byte {})", self.at)
    }
}

impl std::error::Error for JsonError {}

/// How deep arrays and objects may nest: deeper texts are refused rather than risking the stack.
const MAX_DEPTH: usize = 64;

impl Json {
    /// Reads a whole text (whitespace around the value allowed).
    pub fn parse(text: &str) -> Result<Json, JsonError> {
        let mut reader = Reader {
            bytes: text.as_bytes(),
            at: 0,
        };
        let value = reader.value(0)?;
        reader.space();
        if reader.at != reader.bytes.len() {
            return Err(reader.error());
        }
        Ok(value)
    }

    /// The member `name` of an object (the last one of that name).
    pub fn get(&self, name: &str) -> Option<&Json> {
        match self {
            Json::Object(members) => members.iter().rev().find(|(n, _)| n == name).map(|m| &m.1),
            _ => None,
        }
    }

    /// The text of a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(text) => Some(text),
            _ => None,
        }
    }

    /// A boolean.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Json::Bool(value) => Some(*value),
            _ => None,
        }
    }

    /// A whole number from 0 up (written without fraction or exponent).
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Json::Number(text) => text.parse().ok(),
            _ => None,
        }
    }

    /// The items of an array.
    pub fn as_array(&self) -> Option<&[Json]> {
        match self {
            Json::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The members of an object, in order.
    pub fn as_object(&self) -> Option<&[(String, Json)]> {
        match self {
            Json::Object(members) => Some(members),
            _ => None,
        }
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Json::Null)
    }

    /// An object from `(name, value)` pairs.
    pub fn object<const N: usize>(members: [(&str, Json); N]) -> Json {
        Json::Object(
            members
                .into_iter()
                .map(|(name, value)| (name.to_owned(), value))
                .collect(),
        )
    }

    /// Adds (or replaces) the member `name` of an object; other values stay as they are.
    pub fn set(&mut self, name: &str, value: Json) {
        if let Json::Object(members) = self {
            members.retain(|(n, _)| n != name);
            members.push((name.to_owned(), value));
        }
    }

    fn write(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(true) => out.push_str("true"),
            Json::Bool(false) => out.push_str("false"),
            Json::Number(text) => out.push_str(text),
            Json::String(text) => write_string(text, out),
            Json::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Json::Object(members) => {
                out.push('{');
                for (i, (name, value)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_string(name, out);
                    out.push(':');
                    value.write(out);
                }
                out.push('}');
            }
        }
    }
}

/// The compact JSON text (no spaces), as `JSON.stringify` writes it.
impl fmt::Display for Json {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        self.write(&mut out);
        f.write_str(&out)
    }
}

fn write_string(text: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                out.push_str("\\u00");
                out.push(HEX[(c as usize) >> 4] as char);
                out.push(HEX[(c as usize) & 0xf] as char);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

impl From<&str> for Json {
    fn from(text: &str) -> Json {
        Json::String(text.to_owned())
    }
}

impl From<String> for Json {
    fn from(text: String) -> Json {
        Json::String(text)
    }
}

impl From<bool> for Json {
    fn from(value: bool) -> Json {
        Json::Bool(value)
    }
}

impl From<u64> for Json {
    fn from(value: u64) -> Json {
        Json::Number(value.to_string())
    }
}

impl From<u32> for Json {
    fn from(value: u32) -> Json {
        Json::Number(value.to_string())
    }
}

impl<T: Into<Json>> From<Option<T>> for Json {
    fn from(value: Option<T>) -> Json {
        value.map_or(Json::Null, Into::into)
    }
}

impl<T: Into<Json>> From<Vec<T>> for Json {
    fn from(items: Vec<T>) -> Json {
        Json::Array(items.into_iter().map(Into::into).collect())
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn error(&self) -> JsonError {
        JsonError { at: self.at }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\n' | b'\r' | b'\t')) {
            self.at += 1;
        }
    }

    fn literal(&mut self, word: &str, value: Json) -> Result<Json, JsonError> {
        if self.bytes[self.at..].starts_with(word.as_bytes()) {
            self.at += word.len();
            Ok(value)
        } else {
            Err(self.error())
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json, JsonError> {
        self.space();
        match self.peek() {
            Some(b'n') => self.literal("null", Json::Null),
            Some(b't') => self.literal("true", Json::Bool(true)),
            Some(b'f') => self.literal("false", Json::Bool(false)),
            Some(b'"') => self.string().map(Json::String),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b'[') if depth < MAX_DEPTH => {
                self.at += 1;
                let mut items = Vec::new();
                self.space();
                if self.peek() == Some(b']') {
                    self.at += 1;
                    return Ok(Json::Array(items));
                }
                loop {
                    items.push(self.value(depth + 1)?);
                    self.space();
                    match self.peek() {
                        Some(b',') => self.at += 1,
                        Some(b']') => {
                            self.at += 1;
                            return Ok(Json::Array(items));
                        }
                        _ => return Err(self.error()),
                    }
                }
            }
            Some(b'{') if depth < MAX_DEPTH => {
                self.at += 1;
                let mut members = Vec::new();
                self.space();
                if self.peek() == Some(b'}') {
                    self.at += 1;
                    return Ok(Json::Object(members));
                }
                loop {
                    self.space();
                    if self.peek() != Some(b'"') {
                        return Err(self.error());
                    }
                    let name = self.string()?;
                    self.space();
                    if self.peek() != Some(b':') {
                        return Err(self.error());
                    }
                    self.at += 1;
                    members.push((name, self.value(depth + 1)?));
                    self.space();
                    match self.peek() {
                        Some(b',') => self.at += 1,
                        Some(b'}') => {
                            self.at += 1;
                            return Ok(Json::Object(members));
                        }
                        _ => return Err(self.error()),
                    }
                }
            }
            _ => Err(self.error()),
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.at;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.at += 1;
        }
        self.at - start
    }

    fn number(&mut self) -> Result<Json, JsonError> {
        let start = self.at;
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        match self.peek() {
            Some(b'0') => self.at += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.error()),
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            if self.digits() == 0 {
                return Err(self.error());
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            if self.digits() == 0 {
                return Err(self.error());
            }
        }
        // Only ASCII digits and signs were consumed: always a valid slice.
        let text = std::str::from_utf8(&self.bytes[start..self.at]).map_err(|_| self.error())?;
        Ok(Json::Number(text.to_owned()))
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let mut value = 0;
        for _ in 0..4 {
            let digit = match self.peek() {
                Some(b @ b'0'..=b'9') => b - b'0',
                Some(b @ b'a'..=b'f') => b - b'a' + 10,
                Some(b @ b'A'..=b'F') => b - b'A' + 10,
                _ => return Err(self.error()),
            };
            value = value * 16 + u32::from(digit);
            self.at += 1;
        }
        Ok(value)
    }

    fn string(&mut self) -> Result<String, JsonError> {
        self.at += 1; // the opening quote
        let mut out = String::new();
        loop {
            // Copy the run up to the next quote, backslash or control character as it is.
            let start = self.at;
            while matches!(self.peek(), Some(b) if b != b'"' && b != b'\\' && b >= 0x20) {
                self.at += 1;
            }
            // The text is a &str and the run stops only at ASCII bytes: a whole UTF-8 slice.
            let run = std::str::from_utf8(&self.bytes[start..self.at]).map_err(|_| self.error())?;
            out.push_str(run);
            match self.peek() {
                Some(b'"') => {
                    self.at += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.at += 1;
                    let escaped = self.peek().ok_or_else(|| self.error())?;
                    self.at += 1;
                    match escaped {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => out.push(self.escaped_char()?),
                        _ => {
                            self.at -= 1;
                            return Err(self.error());
                        }
                    }
                }
                // The end of the text, or a raw control character.
                _ => return Err(self.error()),
            }
        }
    }

    /// The character of a `\u` escape (after the `u`), joining a surrogate pair.
    fn escaped_char(&mut self) -> Result<char, JsonError> {
        let first = self.hex4()?;
        let code = match first {
            0xD800..=0xDBFF => {
                if !self.bytes[self.at..].starts_with(b"\\u") {
                    return Err(self.error());
                }
                self.at += 2;
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return Err(self.error());
                }
                0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            }
            0xDC00..=0xDFFF => return Err(self.error()),
            code => code,
        };
        char::from_u32(code).ok_or_else(|| self.error())
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_what_the_screen_exchanges() {
        let answer = Json::parse(
            r#" {"type":"t","data":{"url":"https://x/?a=1"},"user":"k","n":[1,-2.5e3,0],"ok":true,"no":null} "#,
        )
        .unwrap();
        assert_eq!(
            answer
                .get("data")
                .and_then(|d| d.get("url"))
                .and_then(Json::as_str),
            Some("https://x/?a=1")
        );
        let n = answer.get("n").and_then(Json::as_array).unwrap();
        assert_eq!(n[0].as_u64(), Some(1));
        assert_eq!(n[1], Json::Number("-2.5e3".into()));
        assert_eq!(n[1].as_u64(), None);
        assert_eq!(answer.get("ok").and_then(Json::as_bool), Some(true));
        assert!(answer.get("no").is_some_and(Json::is_null));
        assert_eq!(answer.get("missing"), None);
    }

    #[test]
    fn the_last_member_of_a_name_wins() {
        let json = Json::parse(r#"{"a":1,"a":2}"#).unwrap();
        assert_eq!(json.get("a").and_then(Json::as_u64), Some(2));
    }

    #[test]
    fn strings_with_escapes_and_any_characters() {
        let json = Json::parse(r#""a\"b\\c\/d\n\u00e4\ud83d\ude00 ü""#).unwrap();
        assert_eq!(json.as_str(), Some("a\"b\\c/d\nä😀 ü"));
    }

    #[test]
    fn refuses_what_is_not_json() {
        for text in [
            "",
            " ",
            "{",
            "}",
            "[1,]",
            "[1 2]",
            "{\"a\"}",
            "{\"a\":}",
            "{a:1}",
            "{\"a\":1,}",
            "01",
            "1.",
            ".5",
            "-",
            "1e",
            "+1",
            "tru",
            "nul",
            "\"abc",
            "\"a\u{1}\"",
            "\"\\x\"",
            "\"\\ud800\"",
            "\"\\udc00\"",
            "\"\\u12\"",
            "1 2",
            "[1]x",
            "NaN",
            "'a'",
        ] {
            assert!(Json::parse(text).is_err(), "{text:?}");
        }
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let deep = "[".repeat(100_000);
        assert!(Json::parse(&deep).is_err());
        let fine = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(Json::parse(&fine).is_ok());
    }

    #[test]
    fn writes_compact_json() {
        let mut json = Json::object([
            ("s", "a\"\\\n\u{1}ä".into()),
            ("n", 7u32.into()),
            ("b", false.into()),
            ("z", Json::Null),
            ("v", vec![1u32, 2].into()),
            ("o", Json::object([])),
        ]);
        json.set("b", true.into());
        assert_eq!(
            json.to_string(),
            r#"{"s":"a\"\\\n\u0001ä","n":7,"z":null,"v":[1,2],"o":{},"b":true}"#
        );
    }

    fn any_json() -> impl Strategy<Value = Json> {
        let leaf = prop_oneof![
            Just(Json::Null),
            any::<bool>().prop_map(Json::Bool),
            any::<i64>().prop_map(|n| Json::Number(n.to_string())),
            (any::<i32>(), 0u32..1000).prop_map(|(a, b)| Json::Number(format!("{a}.{b}e-3"))),
            any::<String>().prop_map(Json::String),
        ];
        leaf.prop_recursive(4, 32, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Json::Array),
                prop::collection::vec((any::<String>(), inner), 0..6).prop_map(Json::Object),
            ]
        })
    }

    proptest! {
        /// What this module writes, it reads back; and serde_json reads it the same way.
        #[test]
        fn written_text_reads_back(json in any_json()) {
            let text = json.to_string();
            prop_assert_eq!(Json::parse(&text), Ok(json.clone()));
            let theirs: serde_json::Value = serde_json::from_str(&text).unwrap();
            prop_assert_eq!(same(&json, &theirs), true);
        }

        /// Any text serde_json refuses, this module refuses too (and the other way round).
        #[test]
        fn agrees_with_serde_json_on_what_is_json(text in r#"[\[\]{}",:0-9a-z\\ .eE+-]{0,24}"#) {
            let theirs = serde_json::from_str::<serde_json::Value>(&text);
            // serde_json also refuses numbers beyond f64 (`1e999`); they stay text here.
            if !theirs.as_ref().is_err_and(|e| e.to_string().contains("out of range")) {
                prop_assert_eq!(Json::parse(&text).is_ok(), theirs.is_ok(), "{:?}", text);
            }
        }
    }

    /// The same value (numbers compared as written, objects with their last member of a name).
    fn same(ours: &Json, theirs: &serde_json::Value) -> bool {
        use serde_json::Value;
        match (ours, theirs) {
            (Json::Null, Value::Null) => true,
            (Json::Bool(a), Value::Bool(b)) => a == b,
            (Json::Number(a), Value::Number(_)) => {
                serde_json::from_str::<Value>(a).ok().as_ref() == Some(theirs)
            }
            (Json::String(a), Value::String(b)) => a == b,
            (Json::Array(a), Value::Array(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y))
            }
            (Json::Object(a), Value::Object(b)) => {
                b.iter()
                    .all(|(name, value)| ours.get(name).is_some_and(|mine| same(mine, value)))
                    && a.iter().all(|(name, _)| b.contains_key(name))
            }
            _ => false,
        }
    }
}
