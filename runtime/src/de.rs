//! Support for the `Deserialize` impls the generator writes for models.
//!
//! serde's derive gives every struct its own field-identifier type and visitor, and a
//! sequence visitor JSON never uses; in a crate with hundreds of models that is most of the
//! compile time. The generated impls are ordinary code with a map visitor each, and share one
//! seed and visitor for field names, each model giving only a `match` of its wire names.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, Error, Visitor};

/// Deserialises a map key into the index of a struct field, or `None` for a key the struct
/// does not have (its value is then skipped).
///
/// Each generated model gives its own lookup, a `match` on its wire names: the compiler
/// turns that into a switch on the length and comparisons with constants, where a scan of
/// a table would call `memcmp` once per name tried.
#[derive(Debug, Clone, Copy)]
pub struct FieldSeed {
    /// The index of the field of this wire name.
    pub find: fn(&str) -> Option<usize>,
    /// How many fields the struct has.
    pub count: usize,
}

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
        Ok((self.find)(value))
    }

    fn visit_bytes<E: Error>(self, value: &[u8]) -> Result<Self::Value, E> {
        // Every wire name is UTF-8, so other bytes name no field.
        Ok(std::str::from_utf8(value).ok().and_then(self.find))
    }

    fn visit_u64<E: Error>(self, value: u64) -> Result<Self::Value, E> {
        Ok(usize::try_from(value)
            .ok()
            .filter(|index| *index < self.count))
    }
}

/// Deserialises a string enum of the generated code. The text is borrowed where the format
/// allows, so a value the spec lists costs no copy; only one it does not list is kept as
/// an owned string.
pub fn string_enum<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: for<'a> From<&'a str> + From<String>,
{
    struct Text<T>(std::marker::PhantomData<T>);

    impl<'de, T> Visitor<'de> for Text<T>
    where
        T: for<'a> From<&'a str> + From<String>,
    {
        type Value = T;

        fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
            formatter.write_str("a string")
        }

        fn visit_str<E: Error>(self, value: &str) -> Result<T, E> {
            Ok(T::from(value))
        }

        fn visit_string<E: Error>(self, value: String) -> Result<T, E> {
            Ok(T::from(value))
        }
    }

    deserializer.deserialize_str(Text(std::marker::PhantomData))
}

/// The value of a required field, or serde's `missing field` error.
pub fn required<T, E: Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| E::missing_field(name))
}

#[cfg(test)]
mod tests {
    #[derive(Debug, PartialEq)]
    struct Sample {
        first: Option<i32>,
        second: String,
        third: Option<bool>,
    }

    // Written as the generator writes a model's impl (`generator/src/emit/models.rs`), with
    // the runtime's door as `rt`; the fixture crates compile the generated form itself.
    mod rt {
        pub use crate::codegen::*;
    }

    impl<'de> rt::serde::Deserialize<'de> for Sample {
        fn deserialize<__D: rt::serde::Deserializer<'de>>(
            deserializer: __D,
        ) -> Result<Self, __D::Error> {
            const FIELDS: &[&str] = &["first", "second", "third"];
            struct __Visitor;
            impl<'de> rt::serde::de::Visitor<'de> for __Visitor {
                type Value = Sample;
                fn expecting(
                    &self,
                    formatter: &mut ::std::fmt::Formatter<'_>,
                ) -> ::std::fmt::Result {
                    formatter.write_str("struct Sample")
                }
                fn visit_map<__A: rt::serde::de::MapAccess<'de>>(
                    self,
                    mut __map: __A,
                ) -> Result<Sample, __A::Error> {
                    fn __field(name: &str) -> Option<usize> {
                        match name {
                            "first" => Some(0),
                            "second" => Some(1),
                            "third" => Some(2),
                            _ => None,
                        }
                    }
                    let mut first = None;
                    let mut second = None;
                    let mut third = None;
                    let __seed = rt::FieldSeed {
                        find: __field,
                        count: FIELDS.len(),
                    };
                    while let Some(__key) = __map.next_key_seed(__seed)? {
                        match __key {
                            Some(0) => first = __map.next_value()?,
                            Some(1) => second = Some(__map.next_value()?),
                            Some(2) => third = __map.next_value()?,
                            _ => {
                                __map.next_value::<rt::serde::de::IgnoredAny>()?;
                            }
                        }
                    }
                    Ok(Sample {
                        first,
                        second: rt::required(second, "second")?,
                        third,
                    })
                }
            }
            deserializer.deserialize_struct("Sample", FIELDS, __Visitor)
        }
    }

    impl rt::serde::Serialize for Sample {
        fn serialize<__S: rt::serde::Serializer>(
            &self,
            serializer: __S,
        ) -> Result<__S::Ok, __S::Error> {
            use rt::serde::ser::SerializeStruct as _;
            let len = usize::from(self.first.is_some()) + 1 + usize::from(self.third.is_some());
            let mut state = serializer.serialize_struct("Sample", len)?;
            if let Some(value) = &self.first {
                state.serialize_field("first", value)?;
            }
            state.serialize_field("second", &self.second)?;
            if let Some(value) = &self.third {
                state.serialize_field("third", value)?;
            }
            state.end()
        }
    }

    #[derive(Debug, PartialEq)]
    enum Colour {
        Red,
        Unknown(String),
    }

    impl From<&str> for Colour {
        fn from(value: &str) -> Self {
            match value {
                "RED" => Colour::Red,
                other => Colour::Unknown(other.to_owned()),
            }
        }
    }

    impl From<String> for Colour {
        fn from(value: String) -> Self {
            match value.as_str() {
                "RED" => Colour::Red,
                _ => Colour::Unknown(value),
            }
        }
    }

    impl<'de> serde::Deserialize<'de> for Colour {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            super::string_enum(deserializer)
        }
    }

    #[test]
    fn string_enums_read_borrowed_escaped_and_owned_text_and_keep_unknown_values() {
        let read = |text: &str| serde_json::from_str::<Colour>(text);
        assert_eq!(read(r#""RED""#).unwrap(), Colour::Red);
        // An escape makes serde_json hand over an owned string.
        assert_eq!(read(r#""R\u0045D""#).unwrap(), Colour::Red);
        assert_eq!(
            read(r#""BLUE""#).unwrap(),
            Colour::Unknown("BLUE".to_owned())
        );
        let value = serde_json::Value::String("RED".to_owned());
        assert_eq!(
            serde_json::from_value::<Colour>(value).unwrap(),
            Colour::Red
        );
        let error = read("7").unwrap_err();
        assert!(error.to_string().contains("expected a string"), "{error}");
    }

    #[test]
    fn fields_in_any_order_unknown_keys_skipped_nulls_kept_and_missing_required_reported() {
        let expected = Sample {
            first: Some(1),
            second: "s".into(),
            third: Some(true),
        };
        for text in [
            r#"{"first":1,"second":"s","third":true}"#,
            r#"{"third":true,"extra":[1,{"a":2}],"second":"s","first":1}"#,
            r#"{"second":"s","second":"s","first":1,"third":true,"first":1}"#,
        ] {
            let sample: Sample = serde_json::from_str(text).unwrap();
            assert_eq!(sample, expected, "{text}");
        }
        let sparse: Sample = serde_json::from_str(r#"{"third":null,"second":"x"}"#).unwrap();
        assert_eq!(sparse.first, None);
        assert_eq!(sparse.third, None);
        // Of duplicate keys the last wins, a `null` included.
        let cleared: Sample =
            serde_json::from_str(r#"{"first":1,"second":"s","first":null}"#).unwrap();
        assert_eq!(cleared.first, None);
        let error = serde_json::from_str::<Sample>(r#"{"first":1}"#).unwrap_err();
        assert!(
            error.to_string().contains("missing field `second`"),
            "{error}"
        );
    }

    #[test]
    fn unset_optional_fields_are_left_out_and_a_field_index_past_the_end_names_none() {
        let sample = Sample {
            first: None,
            second: "s".into(),
            third: Some(false),
        };
        let text = serde_json::to_string(&sample).unwrap();
        assert_eq!(text, r#"{"second":"s","third":false}"#);
        assert_eq!(serde_json::from_str::<Sample>(&text).unwrap(), sample);
        let seed = super::FieldSeed {
            find: |_| None,
            count: 3,
        };
        assert_eq!(
            serde::de::Visitor::visit_u64::<serde_json::Error>(seed, 2).unwrap(),
            Some(2)
        );
        assert_eq!(
            serde::de::Visitor::visit_u64::<serde_json::Error>(seed, 3).unwrap(),
            None
        );
    }
}
