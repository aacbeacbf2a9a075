//! Support for the `Deserialize` impls the generator writes for models.
//!
//! serde's derive gives every struct its own field-identifier type and visitor, and a
//! sequence visitor JSON never uses; in a crate with hundreds of models that is most of the
//! compile time. The generated impls share this one field lookup instead.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, Error, Visitor};

/// Deserialises a map key into the index of a struct field, or `None` for a key the struct
/// does not have (its value is then skipped).
#[derive(Debug, Clone, Copy)]
pub struct FieldSeed(pub &'static [&'static str]);

impl<'de> DeserializeSeed<'de> for FieldSeed {
    type Value = Option<usize>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for FieldSeed {
    type Value = Option<usize>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a field name")
    }

    fn visit_str<E: Error>(self, value: &str) -> Result<Self::Value, E> {
        Ok(self.0.iter().position(|field| *field == value))
    }

    fn visit_bytes<E: Error>(self, value: &[u8]) -> Result<Self::Value, E> {
        Ok(self.0.iter().position(|field| field.as_bytes() == value))
    }

    fn visit_u64<E: Error>(self, value: u64) -> Result<Self::Value, E> {
        Ok(usize::try_from(value)
            .ok()
            .filter(|index| *index < self.0.len()))
    }
}

/// The value of a required field, or serde's `missing field` error.
pub fn required<T, E: Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| E::missing_field(name))
}
