//! `client.rs`: the service description, the `Client` wrapping the runtime's, and the
//! sealed type of enum values the spec does not list.

use proc_macro2::TokenStream;
use quote::quote;

use super::rt;
use crate::ir::*;
use crate::names;

/// The whole `client.rs` body.
pub fn client(api: &Api) -> TokenStream {
    let rt = rt();
    let Service {
        name,
        env_name,
        endpoint_template,
        regions,
        global,
    } = &api.service;
    let endpoint_template = match endpoint_template {
        Some(template) => quote!(::std::option::Option::Some(#template)),
        None => quote!(::std::option::Option::None),
    };
    let title = names::one_line(name);
    let service_doc = format!(" {title}, as the spec's `info` and `servers` describe it.");
    let client_doc = format!(
        " An async client of {title}: one method per operation of the spec. Cheap to clone; clones share connections."
    );
    let has_enums = api
        .models
        .iter()
        .any(|model| matches!(model.kind, ModelKind::Enum(_)));
    let unknown = has_enums.then(unknown_value);
    let import = super::import_rt();
    quote! {
        //! The service description and the client.
        #import

        #[doc = #service_doc]
        pub static SERVICE: #rt::Service = #rt::Service {
            name: #name,
            env_name: #env_name,
            endpoint_template: #endpoint_template,
            regions: &[#(#regions),*],
            global: #global,
        };

        #[doc = #client_doc]
        ///
        /// Build one with [`Client::builder`]. It dereferences to the runtime's client, so
        /// an operation the spec does not describe yet can be called with
        /// [`send`](::huaweicloud_sdk_core::Client::send).
        #[derive(Debug, Clone)]
        pub struct Client {
            pub(crate) core: #rt::Client,
        }

        /// Builds a [`Client`]: an endpoint or a region, credentials (the default chain
        /// when none are set), timeouts, retries, a proxy, extra TLS roots.
        ///
        /// This is the runtime's [`ClientBuilder`](::huaweicloud_sdk_core::ClientBuilder)
        /// made for this service's [`Client`]: its methods are listed on this page, under
        /// the aliased type, and [`build`](::huaweicloud_sdk_core::ClientBuilder::build)
        /// returns a [`Client`].
        pub type ClientBuilder = #rt::ClientBuilder<Client>;

        impl Client {
            /// Starts building a client.
            pub fn builder() -> ClientBuilder {
                ClientBuilder::new()
            }

            /// A handle on the same client (same connections and configuration) whose
            /// calls use these options: a timeout, extra headers, a retry policy,
            /// idempotency. `client.with_options(options).list_x(request)` is the
            /// per-call form of every method.
            pub fn with_options(&self, options: #rt::CallOptions) -> Client {
                Client { core: self.core.with_options(options) }
            }
        }

        impl #rt::ServiceClient for Client {
            const SERVICE: &'static #rt::Service = &SERVICE;

            fn from_core(core: #rt::Client) -> Self {
                Client { core }
            }
        }

        impl ::std::ops::Deref for Client {
            type Target = #rt::Client;

            fn deref(&self) -> &Self::Target {
                &self.core
            }
        }

        #unknown
    }
}

/// The value held by every enum's `Unknown` variant: readable and comparable, but made only
/// by this crate's decoding, so a listed value never hides in `Unknown` and equality follows
/// the wire value.
fn unknown_value() -> TokenStream {
    quote! {
        /// An enum value the spec does not list, as the server sent it. It can be read and
        /// compared but not made outside this crate, so a listed value always has its own
        /// variant.
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct UnknownValue(::std::string::String);

        impl UnknownValue {
            // Unused when the tag features that use enums are all off.
            #[allow(dead_code)]
            pub(crate) fn new(value: impl ::std::convert::Into<::std::string::String>) -> Self {
                UnknownValue(value.into())
            }

            /// The value as it is sent on the wire.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl ::std::fmt::Display for UnknownValue {
            fn fmt(&self, formatter: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                formatter.write_str(&self.0)
            }
        }
    }
}
