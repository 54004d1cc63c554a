//! Reading C arguments: NUL-terminated UTF-8 strings and JSON input.
//!
//! There is one JSON reader, [`Object`]: a JSON object with known keys read key by key, so that
//! every error names the argument and the key (`filter_json key "year" must be an integer in
//! int32 range`, `unknown key "x" in task_json (known: …)`). Every `filter_json`, `options_json`
//! and record argument goes through it.

use std::ffi::{CStr, c_char};

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

    /// Parses `text` as an object with known keys (`null` is refused).
    pub(crate) fn parse(text: &str, what: &str, allowed: &[&str]) -> Result<Object, Failure> {
        Object::new(parse(text, what)?, what, allowed, false)
    }

    /// An INVALID_ARGUMENT failure naming the key: `{what} key "{key}" {why}`.
    pub(crate) fn bad(&self, key: &str, why: &str) -> Failure {
        invalid(format!("invalid argument: {} key {key:?} {why}", self.what))
    }

    fn get(&self, key: &str) -> Option<&Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    fn required<T>(&self, key: &str, v: Option<T>) -> Result<T, Failure> {
        v.ok_or_else(|| self.bad(key, "is required"))
    }

    pub(crate) fn opt_i64(&self, key: &str) -> Result<Option<i64>, Failure> {
        self.get(key)
            .map(|v| {
                v.as_i64()
                    .ok_or_else(|| self.bad(key, "must be an integer in int64 range"))
            })
            .transpose()
    }

    pub(crate) fn i64(&self, key: &str) -> Result<i64, Failure> {
        let v = self.opt_i64(key)?;
        self.required(key, v)
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

    pub(crate) fn string(&self, key: &str) -> Result<String, Failure> {
        let v = self.opt_string(key)?;
        self.required(key, v)
    }

    /// An array (absent or null: `None`).
    pub(crate) fn opt_array(&self, key: &str) -> Result<Option<&Vec<Value>>, Failure> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Array(items)) => Ok(Some(items)),
            Some(_) => Err(self.bad(key, "must be an array")),
        }
    }

    /// An array of integers (absent or null: empty).
    pub(crate) fn i64_array(&self, key: &str) -> Result<Vec<i64>, Failure> {
        let Some(items) = self.opt_array(key)? else {
            return Ok(Vec::new());
        };
        items
            .iter()
            .map(|v| {
                v.as_i64()
                    .ok_or_else(|| self.bad(key, "must be an array of integers"))
            })
            .collect()
    }

    /// A nested object with known keys (absent or null: `None`), named `{what}.{key}`.
    pub(crate) fn opt_object(
        &self,
        key: &str,
        allowed: &[&str],
    ) -> Result<Option<Object>, Failure> {
        self.get(key)
            .map(|v| Object::new(v.clone(), &format!("{}.{key}", self.what), allowed, false))
            .transpose()
    }
}
