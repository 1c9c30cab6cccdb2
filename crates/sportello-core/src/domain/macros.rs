/// Declares a closed set of words (see [`crate::domain::StrEnum`]). The wire form
/// is the word itself, so a renamed variant would break stored data and the UI:
/// never change a word once released.
///
/// Exported (the service declares its own closed words with it): a user needs
/// `serde` among its dependencies, as `sportello` has.
#[doc(hidden)]
#[macro_export]
macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $var:ident = $s:literal : $label:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$vm])* $var),+ }

        impl $crate::domain::StrEnum for $name {
            const ALL: &'static [Self] = &[$(Self::$var),+];
            fn as_str(self) -> &'static str {
                match self { $(Self::$var => $s),+ }
            }
            fn label(self) -> &'static str {
                match self { $(Self::$var => $label),+ }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str($crate::domain::StrEnum::as_str(*self))
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str($crate::domain::StrEnum::as_str(*self))
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <String as ::serde::Deserialize>::deserialize(d)?;
                <Self as $crate::domain::StrEnum>::parse(&s).ok_or_else(|| {
                    let all: Vec<&str> = <Self as $crate::domain::StrEnum>::ALL
                        .iter()
                        .map(|v| $crate::domain::StrEnum::as_str(*v))
                        .collect();
                    ::serde::de::Error::custom(format!("valore «{s}» non ammesso (ammessi: {})", all.join(", ")))
                })
            }
        }
    };
}
