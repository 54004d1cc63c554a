//! JSON records coming in from C: a JSON object with known keys, read key by key so that
//! every error names the argument and the key (`task_json key "deadline" must be a string`).
//!
//! The library's own `Deserialize` impls are not used for C input on purpose: serde_json's
//! messages name a line and column, not the field, and those impls accept unknown keys.

use serde_json::{Map, Value};

use super::{Failure, GOVREPORT_INVALID_ARGUMENT};

fn invalid(message: String) -> Failure {
    Failure::new(GOVREPORT_INVALID_ARGUMENT, message)
}

/// Parses a JSON argument, naming it in the error.
pub(super) fn parse(text: &str, what: &str) -> Result<Value, Failure> {
    serde_json::from_str(text)
        .map_err(|e| invalid(format!("invalid argument: {what} is not valid JSON: {e}")))
}

/// A JSON array argument (or `what` named in the error).
pub(super) fn array(value: Value, what: &str) -> Result<Vec<Value>, Failure> {
    match value {
        Value::Array(items) => Ok(items),
        _ => Err(invalid(format!(
            "invalid argument: {what} must be a JSON array"
        ))),
    }
}

/// A JSON object argument whose keys are all known.
pub(super) struct Object {
    what: String,
    map: Map<String, Value>,
}

impl Object {
    /// The object in `value` (JSON `null` counts as `{}` when `null_ok`); unknown keys fail.
    pub(super) fn new(
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
    pub(super) fn parse_opt(
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
    pub(super) fn parse(text: &str, what: &str, allowed: &[&str]) -> Result<Object, Failure> {
        Object::new(parse(text, what)?, what, allowed, false)
    }

    /// An INVALID_ARGUMENT failure naming the key: `{what} key "{key}" {why}`.
    pub(super) fn bad(&self, key: &str, why: &str) -> Failure {
        invalid(format!("invalid argument: {} key {key:?} {why}", self.what))
    }

    fn get(&self, key: &str) -> Option<&Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    fn required<T>(&self, key: &str, v: Option<T>) -> Result<T, Failure> {
        v.ok_or_else(|| self.bad(key, "is required"))
    }

    pub(super) fn opt_i64(&self, key: &str) -> Result<Option<i64>, Failure> {
        self.get(key)
            .map(|v| {
                v.as_i64()
                    .ok_or_else(|| self.bad(key, "must be an integer in int64 range"))
            })
            .transpose()
    }

    pub(super) fn i64(&self, key: &str) -> Result<i64, Failure> {
        let v = self.opt_i64(key)?;
        self.required(key, v)
    }

    pub(super) fn opt_i32(&self, key: &str) -> Result<Option<i32>, Failure> {
        self.opt_i64(key)?
            .map(|v| {
                i32::try_from(v).map_err(|_| self.bad(key, "must be an integer in int32 range"))
            })
            .transpose()
    }

    /// A count (limit, offset): an integer ≥ 0.
    pub(super) fn opt_usize(&self, key: &str) -> Result<Option<usize>, Failure> {
        self.get(key)
            .map(|v| {
                v.as_u64()
                    .and_then(|n| usize::try_from(n).ok())
                    .ok_or_else(|| self.bad(key, "must be a non-negative integer"))
            })
            .transpose()
    }

    pub(super) fn opt_f64(&self, key: &str) -> Result<Option<f64>, Failure> {
        self.get(key)
            .map(|v| v.as_f64().ok_or_else(|| self.bad(key, "must be a number")))
            .transpose()
    }

    pub(super) fn bool_or(&self, key: &str, default: bool) -> Result<bool, Failure> {
        match self.get(key) {
            None => Ok(default),
            Some(Value::Bool(b)) => Ok(*b),
            Some(_) => Err(self.bad(key, "must be true or false")),
        }
    }

    pub(super) fn opt_string(&self, key: &str) -> Result<Option<String>, Failure> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(self.bad(key, "must be a string")),
        }
    }

    pub(super) fn string(&self, key: &str) -> Result<String, Failure> {
        let v = self.opt_string(key)?;
        self.required(key, v)
    }

    /// An array (absent or null: `None`).
    pub(super) fn opt_array(&self, key: &str) -> Result<Option<&Vec<Value>>, Failure> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Array(items)) => Ok(Some(items)),
            Some(_) => Err(self.bad(key, "must be an array")),
        }
    }

    /// An array of integers (absent or null: empty).
    pub(super) fn i64_array(&self, key: &str) -> Result<Vec<i64>, Failure> {
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
    pub(super) fn opt_object(
        &self,
        key: &str,
        allowed: &[&str],
    ) -> Result<Option<Object>, Failure> {
        self.get(key)
            .map(|v| Object::new(v.clone(), &format!("{}.{key}", self.what), allowed, false))
            .transpose()
    }
}
