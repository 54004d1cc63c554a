//! Reading C arguments: NUL-terminated UTF-8 strings and JSON input.
//!
//! There is one JSON reader with one wording, so that every error names the argument and the
//! key (`filter_json key "year" must be an integer in int32 range`, `unknown key "x" in
//! task_json (known: …)`). It comes in two forms over the parsed [`Value`]:
//!
//! * [`record`] ([`parse_record`], [`parse_records`] from text): a serde
//!   [`Deserializer`](serde::Deserializer) that fills the library's input types (`NewTask`,
//!   `NewProgress`, …) from their own serde shape, so that a field added to such a type needs
//!   no code here;
//! * [`Object`]: an object with known keys read key by key, for options and filters that are
//!   not a library type (`filter_json`, `options_json`, `config_json`).
//!
//! In both, a key whose value is `null` counts as absent.

use std::ffi::{CStr, c_char};
use std::fmt;

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, MapAccess, SeqAccess, Visitor,
    value::BorrowedStrDeserializer,
};
use serde_json::{Map, Value};

use crate::boundary::Failure;
use crate::errors::GOVREPORT_INVALID_ARGUMENT;

/// A required `const char *` argument as UTF-8.
///
/// Requires: `p` must be NULL or a NUL-terminated string that stays valid during the call.
pub(crate) unsafe fn str_arg<'a>(p: *const c_char, name: &str) -> Result<&'a str, Failure> {
    if p.is_null() {
        return Err(Failure::null(name));
    }
    // SAFETY: non-NULL and NUL-terminated by the caller's contract.
    let c = unsafe { CStr::from_ptr(p) };
    c.to_str().map_err(|e| {
        Failure::new(
            GOVREPORT_INVALID_ARGUMENT,
            format!("invalid argument: {name} is not valid UTF-8 ({e})"),
        )
    })
}

/// An optional `const char *` argument (NULL allowed) as UTF-8.
///
/// Requires: As for [`str_arg`].
pub(crate) unsafe fn opt_str_arg<'a>(
    p: *const c_char,
    name: &str,
) -> Result<Option<&'a str>, Failure> {
    if p.is_null() {
        Ok(None)
    } else {
        // SAFETY: forwarded from this function's contract.
        unsafe { str_arg(p, name) }.map(Some)
    }
}

fn invalid(message: String) -> Failure {
    Failure::new(GOVREPORT_INVALID_ARGUMENT, message)
}

/// Parses a JSON argument, naming it in the error.
pub(crate) fn parse(text: &str, what: &str) -> Result<Value, Failure> {
    serde_json::from_str(text)
        .map_err(|e| invalid(format!("invalid argument: {what} is not valid JSON: {e}")))
}

/// A JSON array argument (or `what` named in the error).
pub(crate) fn array(value: Value, what: &str) -> Result<Vec<Value>, Failure> {
    match value {
        Value::Array(items) => Ok(items),
        _ => Err(invalid(format!(
            "invalid argument: {what} must be a JSON array"
        ))),
    }
}

/// A JSON object argument whose keys are all known.
pub(crate) struct Object {
    what: String,
    map: Map<String, Value>,
}

impl Object {
    /// The object in `value` (JSON `null` counts as `{}` when `null_ok`); unknown keys fail.
    pub(crate) fn new(
        value: Value,
        what: &str,
        allowed: &[&str],
        null_ok: bool,
    ) -> Result<Object, Failure> {
        let map = match value {
            Value::Object(map) => map,
            Value::Null if null_ok => Map::new(),
            _ => {
                return Err(invalid(format!(
                    "invalid argument: {what} must be a JSON object"
                )));
            }
        };
        if let Some(key) = map.keys().find(|k| !allowed.contains(&k.as_str())) {
            return Err(invalid(format!(
                "invalid argument: unknown key {key:?} in {what} (known: {})",
                allowed.join(", ")
            )));
        }
        Ok(Object {
            what: what.to_owned(),
            map,
        })
    }

    /// Parses `text` (NULL → `{}`) as an object with known keys.
    pub(crate) fn parse_opt(
        text: Option<&str>,
        what: &str,
        allowed: &[&str],
    ) -> Result<Object, Failure> {
        match text {
            None => Object::new(Value::Null, what, allowed, true),
            Some(t) => Object::new(parse(t, what)?, what, allowed, true),
        }
    }

    /// An INVALID_ARGUMENT failure naming the key: `{what} key "{key}" {why}`.
    pub(crate) fn bad(&self, key: &str, why: &str) -> Failure {
        invalid(format!("invalid argument: {} key {key:?} {why}", self.what))
    }

    fn get(&self, key: &str) -> Option<&Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    pub(crate) fn opt_i64(&self, key: &str) -> Result<Option<i64>, Failure> {
        self.get(key)
            .map(|v| {
                v.as_i64()
                    .ok_or_else(|| self.bad(key, "must be an integer in int64 range"))
            })
            .transpose()
    }

    pub(crate) fn opt_i32(&self, key: &str) -> Result<Option<i32>, Failure> {
        self.opt_i64(key)?
            .map(|v| {
                i32::try_from(v).map_err(|_| self.bad(key, "must be an integer in int32 range"))
            })
            .transpose()
    }

    /// A count (limit, offset): an integer ≥ 0.
    pub(crate) fn opt_usize(&self, key: &str) -> Result<Option<usize>, Failure> {
        self.get(key)
            .map(|v| {
                v.as_u64()
                    .and_then(|n| usize::try_from(n).ok())
                    .ok_or_else(|| self.bad(key, "must be a non-negative integer"))
            })
            .transpose()
    }

    pub(crate) fn opt_f64(&self, key: &str) -> Result<Option<f64>, Failure> {
        self.get(key)
            .map(|v| v.as_f64().ok_or_else(|| self.bad(key, "must be a number")))
            .transpose()
    }

    pub(crate) fn bool_or(&self, key: &str, default: bool) -> Result<bool, Failure> {
        match self.get(key) {
            None => Ok(default),
            Some(Value::Bool(b)) => Ok(*b),
            Some(_) => Err(self.bad(key, "must be true or false")),
        }
    }

    pub(crate) fn opt_string(&self, key: &str) -> Result<Option<String>, Failure> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(self.bad(key, "must be a string")),
        }
    }

    /// An array (absent or null: `None`).
    pub(crate) fn opt_array(&self, key: &str) -> Result<Option<&Vec<Value>>, Failure> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Array(items)) => Ok(Some(items)),
            Some(_) => Err(self.bad(key, "must be an array")),
        }
    }
}

/// Parses a record argument (`what` names it in errors) into a library input type: the keys,
/// their types and the required ones are the type's serde shape.
pub(crate) fn parse_record<T: DeserializeOwned>(text: &str, what: &str) -> Result<T, Failure> {
    record(&parse(text, what)?, what)
}

/// Parses a JSON array argument of records, each named `{each} N` (1-based) in errors.
pub(crate) fn parse_records<T: DeserializeOwned>(
    text: &str,
    what: &str,
    each: &str,
) -> Result<Vec<T>, Failure> {
    array(parse(text, what)?, what)?
        .iter()
        .enumerate()
        .map(|(i, v)| record(v, &format!("{each} {}", i + 1)))
        .collect()
}

/// Reads a record argument (`task_json`, `progress_json`, `sub-item 2` …), named `what` in
/// errors, into a library input type through that type's serde shape.
pub(crate) fn record<T: DeserializeOwned>(value: &Value, what: &str) -> Result<T, Failure> {
    let root = Path {
        parent: None,
        seg: Seg::Root(what),
    };
    let de = ValueDe {
        v: value,
        path: &root,
    };
    // `place` names the argument in an error nothing below could place.
    T::deserialize(de).map_err(|e| invalid(format!("invalid argument: {}", de.place(e))))
}

/// Where a value sits in a JSON argument: built on the stack while reading, rendered only for
/// an error.
struct Path<'p> {
    parent: Option<&'p Path<'p>>,
    seg: Seg<'p>,
}

#[derive(Clone, Copy)]
enum Seg<'p> {
    /// The argument itself, by its name in messages.
    Root(&'p str),
    /// The value of a key.
    Key(&'p str),
    /// An element of an array (0-based; messages count from 1).
    Index(usize),
}

impl Path<'_> {
    /// This value as an object that holds keys: `progress_json`, `progress_json.project`,
    /// `task_json milestone 1`.
    fn container(&self) -> String {
        let Some(parent) = self.parent else {
            return self.root_name();
        };
        match (self.seg, parent.seg, parent.parent) {
            (Seg::Key(k), _, _) => format!("{}.{k}", parent.container()),
            // An element of an array of objects is named by the key in the singular:
            // `milestones` → `task_json milestone 1`.
            (Seg::Index(i), Seg::Key(k), Some(grand)) => {
                let one = k.strip_suffix('s').unwrap_or(k);
                format!("{} {one} {}", grand.container(), i + 1)
            }
            (Seg::Index(i), _, _) => format!("{} item {}", parent.container(), i + 1),
            (Seg::Root(what), _, _) => what.to_owned(),
        }
    }

    /// This value as the subject of a message: `progress_json`, `progress_json key "value"`,
    /// `task_json key "support_unit_ids" item 2`.
    fn value(&self) -> String {
        let Some(parent) = self.parent else {
            return self.root_name();
        };
        match self.seg {
            Seg::Key(k) => format!("{} key {k:?}", parent.container()),
            Seg::Index(i) => format!("{} item {}", parent.value(), i + 1),
            Seg::Root(what) => what.to_owned(),
        }
    }

    fn root_name(&self) -> String {
        match self.seg {
            Seg::Root(what) => what.to_owned(),
            Seg::Key(k) => k.to_owned(),
            Seg::Index(i) => format!("item {}", i + 1),
        }
    }
}

/// A reading error. serde's own errors (`missing_field`, `custom`) arrive without a place and
/// are placed by the value that saw them, so that every message names the argument and key.
#[derive(Debug)]
enum DeError {
    /// A complete message: place and problem.
    Placed(String),
    /// A required key is absent in the object being read.
    Missing(&'static str),
    /// A problem still without a place.
    Loose(String),
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeError::Placed(m) | DeError::Loose(m) => f.write_str(m),
            DeError::Missing(k) => write!(f, "key {k:?} is required"),
        }
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DeError::Loose(msg.to_string())
    }

    fn missing_field(field: &'static str) -> Self {
        DeError::Missing(field)
    }
}

/// A serde [`Deserializer`](serde::Deserializer) over one value of a parsed JSON argument.
#[derive(Clone, Copy)]
struct ValueDe<'de, 'p> {
    v: &'de Value,
    path: &'p Path<'p>,
}

impl<'de> ValueDe<'de, '_> {
    /// `{this value} {why}`.
    fn fail(&self, why: &str) -> DeError {
        DeError::Placed(format!("{} {why}", self.path.value()))
    }

    /// Gives an error from below a place: a missing key is one of this object's keys,
    /// anything else is about this value.
    fn place(&self, e: DeError) -> DeError {
        match e {
            DeError::Placed(_) => e,
            DeError::Missing(k) => {
                DeError::Placed(format!("{} key {k:?} is required", self.path.container()))
            }
            DeError::Loose(m) => self.fail(&m),
        }
    }

    fn object(&self) -> Result<&'de Map<String, Value>, DeError> {
        self.v
            .as_object()
            .ok_or_else(|| self.fail("must be a JSON object"))
    }

    fn integer<T: TryFrom<i64> + TryFrom<u64>>(&self, why: &str) -> Result<T, DeError> {
        let n = match self.v {
            Value::Number(n) => n
                .as_i64()
                .and_then(|i| T::try_from(i).ok())
                .or_else(|| n.as_u64().and_then(|u| T::try_from(u).ok())),
            _ => None,
        };
        n.ok_or_else(|| self.fail(why))
    }
}

/// The signed integer methods: each reads its type's range, named in the message.
macro_rules! signed {
    ($($method:ident $visit:ident $ty:ty: $why:literal;)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
            let n: $ty = self.integer($why)?;
            visitor.$visit(n).map_err(|e| self.place(e))
        }
    )*};
}

impl<'de> serde::Deserializer<'de> for ValueDe<'de, '_> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let r = match self.v {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
                (Some(u), _, _) => visitor.visit_u64(u),
                (_, Some(i), _) => visitor.visit_i64(i),
                (_, _, Some(f)) => visitor.visit_f64(f),
                _ => Err(self.fail("must be a number")),
            },
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Array(_) => return self.deserialize_seq(visitor),
            Value::Object(_) => return self.deserialize_map(visitor),
        };
        r.map_err(|e| self.place(e))
    }

    signed! {
        deserialize_i8 visit_i8 i8: "must be an integer in int8 range";
        deserialize_i16 visit_i16 i16: "must be an integer in int16 range";
        deserialize_i32 visit_i32 i32: "must be an integer in int32 range";
        deserialize_i64 visit_i64 i64: "must be an integer in int64 range";
        deserialize_u8 visit_u8 u8: "must be a non-negative integer in uint8 range";
        deserialize_u16 visit_u16 u16: "must be a non-negative integer in uint16 range";
        deserialize_u32 visit_u32 u32: "must be a non-negative integer in uint32 range";
        deserialize_u64 visit_u64 u64: "must be a non-negative integer";
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let f = self
            .v
            .as_f64()
            .ok_or_else(|| self.fail("must be a number"))?;
        visitor.visit_f64(f).map_err(|e| self.place(e))
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let b = self
            .v
            .as_bool()
            .ok_or_else(|| self.fail("must be true or false"))?;
        visitor.visit_bool(b).map_err(|e| self.place(e))
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.v {
            Value::String(s) => visitor.visit_borrowed_str(s).map_err(|e| self.place(e)),
            _ => Err(self.fail("must be a string")),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, DeError> {
        Err(self.fail("cannot be read: bytes have no JSON form"))
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.v {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
        .map_err(|e| self.place(e))
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.v {
            Value::Null => visitor.visit_unit().map_err(|e| self.place(e)),
            _ => Err(self.fail("must be null")),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        visitor
            .visit_newtype_struct(self)
            .map_err(|e| self.place(e))
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let Value::Array(items) = self.v else {
            return Err(self.fail("must be an array"));
        };
        let seq = Items {
            items,
            next: 0,
            parent: self.path,
        };
        visitor.visit_seq(seq).map_err(|e| self.place(e))
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let map = self.object()?;
        let keys = Keys {
            entries: map.iter(),
            value: None,
            parent: self.path,
        };
        visitor.visit_map(keys).map_err(|e| self.place(e))
    }

    /// Unknown keys are refused here, before serde sees the object, so that the message lists
    /// the known keys in the type's order (and a `null` under an unknown key is refused too).
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        let map = self.object()?;
        if let Some(key) = map.keys().find(|k| !fields.contains(&k.as_str())) {
            return Err(DeError::Placed(format!(
                "unknown key {key:?} in {} (known: {})",
                self.path.container(),
                fields.join(", ")
            )));
        }
        self.deserialize_map(visitor)
    }

    /// Enums are text codes (`"target"`, `"under_construction"`): unit variants only.
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        let Value::String(code) = self.v else {
            return Err(self.fail(&format!("must be a string, one of {}", variants.join(", "))));
        };
        if !variants.contains(&code.as_str()) {
            return Err(self.fail(&format!("{code:?} is not one of {}", variants.join(", "))));
        }
        visitor
            .visit_enum(BorrowedStrDeserializer::new(code.as_str()))
            .map_err(|e| self.place(e))
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_unit()
    }
}

/// The elements of an array, each read at its index.
struct Items<'de, 'p> {
    items: &'de [Value],
    next: usize,
    parent: &'p Path<'p>,
}

impl<'de> SeqAccess<'de> for Items<'de, '_> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        let Some(v) = self.items.get(self.next) else {
            return Ok(None);
        };
        let path = Path {
            parent: Some(self.parent),
            seg: Seg::Index(self.next),
        };
        self.next += 1;
        let de = ValueDe { v, path: &path };
        seed.deserialize(de).map(Some).map_err(|e| de.place(e))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len() - self.next)
    }
}

/// The keys of an object, each value read under its key; keys whose value is `null` are
/// skipped, so that `null` means absent (a default, `None`, or "is required").
struct Keys<'de, 'p> {
    entries: serde_json::map::Iter<'de>,
    value: Option<(&'de str, &'de Value)>,
    parent: &'p Path<'p>,
}

impl<'de> MapAccess<'de> for Keys<'de, '_> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        for (k, v) in self.entries.by_ref() {
            if v.is_null() {
                continue;
            }
            self.value = Some((k.as_str(), v));
            return seed
                .deserialize(BorrowedStrDeserializer::<DeError>::new(k.as_str()))
                .map(Some);
        }
        Ok(None)
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, DeError> {
        let (k, v) = self
            .value
            .take()
            .ok_or_else(|| DeError::Loose("a value was read before its key".into()))?;
        let path = Path {
            parent: Some(self.parent),
            seg: Seg::Key(k),
        };
        let de = ValueDe { v, path: &path };
        seed.deserialize(de).map_err(|e| de.place(e))
    }
}

#[cfg(test)]
mod tests;
