//! Building a client: regions from the spec and the environment, what a builder without
//! credentials or endpoint says, and the scheme an endpoint without one gets.

use huaweicloud_secmaster::{Client, Credentials, Error, Region, RetryPolicy};

use crate::{client_builder, AK, SK};

#[test]
fn regions_come_from_the_spec_and_can_be_overridden_by_the_environment() {
    use huaweicloud_secmaster::SERVICE;
    assert_eq!(SERVICE.all_regions().count(), 28);
    assert_eq!(
        SERVICE
            .region_endpoint(&Region::new("ap-southeast-1"))
            .unwrap(),
        "https://secmaster.ap-southeast-1.myhuaweicloud.com"
    );
    let error = Client::builder()
        .region(Region::new("xx-nowhere-1"))
        .credentials(Credentials::ak_sk(AK, SK))
        .build()
        .unwrap_err();
    assert!(
        matches!(&error, Error::Config(message) if message.contains("unknown SecMaster region `xx-nowhere-1`")),
        "{error}"
    );

    // A variable only this test reads, so parallel tests are unaffected.
    std::env::set_var(
        "HUAWEICLOUD_SDK_REGION_SECMASTER_LA_SOUTH_2",
        "https://a.example:8443, https://b.example",
    );
    assert_eq!(
        SERVICE.region_endpoint(&Region::new("la-south-2")).unwrap(),
        "https://a.example:8443"
    );
    std::env::set_var(
        "HUAWEICLOUD_SDK_REGION_SECMASTER_XX_PRIVATE_9",
        "private.example",
    );
    let client = Client::builder()
        .region(Region::new("xx-private-9"))
        .credentials(Credentials::ak_sk(AK, SK))
        .build()
        .unwrap();
    assert!(
        format!("{client:?}").contains("https://private.example"),
        "{client:?}"
    );
}

#[test]
fn building_without_credentials_or_endpoint_says_what_is_missing() {
    // No credentials is no error at build: the client uses the default chain from its
    // first call (tests/providers.rs).
    Client::builder()
        .endpoint("http://127.0.0.1:1")
        .build()
        .expect("the default chain");
    let error = Client::builder()
        .credentials(Credentials::ak_sk(AK, SK))
        .build()
        .unwrap_err();
    assert!(error.to_string().contains("no endpoint"), "{error}");
}

#[tokio::test]
async fn an_endpoint_without_scheme_gets_https() {
    // No TLS server listens there: the failure must be a connection (not a plain-HTTP) one,
    // proving the scheme became https and port 1 was used.
    let client = client_builder("127.0.0.1:1")
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    assert!(format!("{client:?}").contains("https://127.0.0.1:1"));
}
