//! Support for the `Deserialize` impls the generator writes for models.
//!
//! serde's derive gives every struct its own field-identifier type and visitor, and a
//! sequence visitor JSON never uses; in a crate with hundreds of models that is most of the
//! compile time. The generated impls share one seed and visitor for field names instead, each
//! model giving only a `match` of its wire names.

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

/// The `Deserialize` impl of a generated model: a map visitor only, with the field lookup
/// shared through [`FieldSeed`]. Unknown keys are skipped; a missing required field is
/// serde's usual `missing field` error; `null` or a missing key makes an `Option` field
/// `None`; of duplicate keys the last wins.
///
/// Each field is `index slot field: Type [optional|required] = "wire"`, where `Type` is the
/// field's whole type (`Option<T>` for an optional one) and `slot` a local name that no
/// field takes.
#[doc(hidden)]
#[macro_export]
macro_rules! __deserialize_struct {
    ($name:ident, $shown:literal, {
        $( $index:tt $slot:ident $field:ident : $ty:ty [$kind:ident] = $wire:literal ),* $(,)?
    }) => {
        impl<'de> $crate::codegen::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::codegen::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                const FIELDS: &[&str] = &[$($wire),*];
                struct FieldsVisitor;
                impl<'de> $crate::codegen::serde::de::Visitor<'de> for FieldsVisitor {
                    type Value = $name;
                    fn expecting(
                        &self,
                        formatter: &mut ::std::fmt::Formatter<'_>,
                    ) -> ::std::fmt::Result {
                        formatter.write_str(::std::concat!("struct ", $shown))
                    }
                    #[allow(unused_mut)]
                    fn visit_map<A: $crate::codegen::serde::de::MapAccess<'de>>(
                        self,
                        mut map: A,
                    ) -> ::std::result::Result<$name, A::Error> {
                        $( let mut $slot = $crate::__deserialize_struct!(@slot $kind $ty); )*
                        fn find(name: &str) -> ::std::option::Option<usize> {
                            match name {
                                $( $wire => ::std::option::Option::Some($index), )*
                                _ => ::std::option::Option::None,
                            }
                        }
                        let seed = $crate::codegen::FieldSeed { find, count: FIELDS.len() };
                        while let ::std::option::Option::Some(index) = map.next_key_seed(seed)? {
                            match index {
                                $( ::std::option::Option::Some($index) => {
                                    $slot = $crate::__deserialize_struct!(@next $kind map)
                                } )*
                                _ => {
                                    map.next_value::<$crate::codegen::serde::de::IgnoredAny>()?;
                                }
                            }
                        }
                        ::std::result::Result::Ok($name {
                            $( $field: $crate::__deserialize_struct!(@take $kind $slot $wire), )*
                        })
                    }
                }
                deserializer.deserialize_struct($shown, FIELDS, FieldsVisitor)
            }
        }
    };
    // An optional field's slot is the field itself (`null` and a missing key both leave
    // `None`); a required field's slot is `None` until its key is seen.
    (@slot optional $ty:ty) => { <$ty as ::std::default::Default>::default() };
    (@slot required $ty:ty) => { ::std::option::Option::<$ty>::None };
    (@next optional $map:ident) => { $map.next_value()? };
    (@next required $map:ident) => { ::std::option::Option::Some($map.next_value()?) };
    (@take optional $slot:ident $wire:literal) => { $slot };
    (@take required $slot:ident $wire:literal) => { $crate::codegen::required($slot, $wire)? };
}

/// The builder of a generated model, in the `builders` module beside the models: every
/// field optional until `build` checks the required ones.
///
/// Each field is `field: T [kind] = "wire"`, `T` without `Option` or `Box`; the kind says
/// what the model's field is: `optional` (`Option<T>`), `required` (`T`), `nullable`
/// (`Option<T>`, required but may be `null`), `optional_boxed` (`Option<Box<T>>`),
/// `required_boxed` (`Box<T>`), `nullable_boxed` (`Option<Box<T>>`).
#[doc(hidden)]
#[macro_export]
macro_rules! __model_builder {
    ($name:ident, $shown:literal, {
        $( $field:ident : $ty:ty [$kind:ident] = $wire:literal ),* $(,)?
    }) => {
        #[doc = ::std::concat!(" Builds a [`", $shown, "`](super::", $shown, ").")]
        #[derive(Debug, Clone, Default)]
        pub struct $name { $( $field: ::std::option::Option<$ty>, )* }

        impl $name {
            $(
                #[doc = ::std::concat!(" Sets [`", $shown, "::", $wire, "`](super::", $shown, ").")]
                pub fn $field(mut self, value: impl ::std::convert::Into<$ty>) -> Self {
                    self.$field = ::std::option::Option::Some(value.into());
                    self
                }
            )*

            #[doc = ::std::concat!(
                " Builds the [`", $shown, "`](super::", $shown,
                "); fails when a required field is not set."
            )]
            pub fn build(self) -> ::std::result::Result<super::$name, $crate::codegen::BuildError> {
                ::std::result::Result::Ok(super::$name {
                    $( $field: $crate::__model_builder!(@build $kind self.$field, $shown, $wire), )*
                })
            }
        }
    };
    (@build optional $value:expr, $shown:literal, $wire:literal) => { $value };
    (@build nullable $value:expr, $shown:literal, $wire:literal) => { $value };
    (@build required $value:expr, $shown:literal, $wire:literal) => {
        $value.ok_or($crate::codegen::BuildError::missing($shown, $wire))?
    };
    (@build optional_boxed $value:expr, $shown:literal, $wire:literal) => {
        $value.map(::std::boxed::Box::new)
    };
    (@build nullable_boxed $value:expr, $shown:literal, $wire:literal) => {
        $value.map(::std::boxed::Box::new)
    };
    (@build required_boxed $value:expr, $shown:literal, $wire:literal) => {
        ::std::boxed::Box::new($value.ok_or($crate::codegen::BuildError::missing($shown, $wire))?)
    };
}

/// The `Serialize` impl of a generated model: the fields in spec order under their wire
/// names; an optional field that is `None` is left out, a required nullable one is sent
/// as `null`. Lighter to compile than serde's derive.
///
/// Each field is `field [optional|required] = "wire"`.
#[doc(hidden)]
#[macro_export]
macro_rules! __serialize_struct {
    ($name:ident, $shown:literal, $count:literal, {
        $( $field:ident [$kind:ident] = $wire:literal ),* $(,)?
    }) => {
        impl $crate::codegen::serde::Serialize for $name {
            fn serialize<S: $crate::codegen::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                use $crate::codegen::serde::ser::SerializeStruct;
                #[allow(unused_mut)]
                let mut state = serializer.serialize_struct($shown, $count)?;
                $( $crate::__serialize_struct!(@field $kind state, $wire, &self.$field); )*
                state.end()
            }
        }
    };
    (@field optional $state:ident, $wire:literal, $value:expr) => {
        if let ::std::option::Option::Some(value) = $value {
            $state.serialize_field($wire, value)?;
        }
    };
    (@field required $state:ident, $wire:literal, $value:expr) => {
        $state.serialize_field($wire, $value)?;
    };
}

#[cfg(test)]
mod tests {
    #[derive(Debug, PartialEq)]
    struct Sample {
        first: Option<i32>,
        second: String,
        third: Option<bool>,
    }

    crate::__deserialize_struct!(Sample, "Sample", {
        0 field_0 first: Option<i32> [optional] = "first",
        1 field_1 second: String [required] = "second",
        2 field_2 third: Option<bool> [optional] = "third",
    });

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
}
