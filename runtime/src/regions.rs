//! Where IAM and STS are, as the official SDK picks them: the endpoint given, else the
//! environment's, else the region's from the SDK's tables
//! (`huaweicloudsdkcore/auth/endpoint.py`), else the global IAM and cn-north-4's STS.

/// The environment variable that names the IAM endpoint (project and account discovery,
/// IAM federation).
pub const IAM_ENDPOINT_ENV: &str = "HUAWEICLOUD_SDK_IAM_ENDPOINT";

/// The environment variable that names the STS endpoint (OIDC federation, account
/// discovery).
pub const STS_ENDPOINT_ENV: &str = "HUAWEICLOUD_SDK_STS_ENDPOINT";

/// IAM for a region the SDK does not know, and without a region.
const GLOBAL_IAM: &str = "https://iam.myhuaweicloud.com";

/// STS for a region the SDK does not know, and without a region.
const DEFAULT_STS: &str = "https://sts.cn-north-4.myhuaweicloud.com";

/// The regions with an IAM endpoint of their own (`https://iam.{region}.myhuaweicloud.com`).
const IAM_REGIONS: [&str; 27] = [
    "cn-north-2",
    "cn-north-4",
    "cn-north-1",
    "cn-east-2",
    "cn-east-3",
    "cn-south-1",
    "cn-south-2",
    "cn-southwest-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "af-south-1",
    "sa-brazil-1",
    "la-south-2",
    "na-mexico-1",
    "la-north-2",
    "cn-north-9",
    "eu-west-0",
    "my-kualalumpur-1",
    "ru-moscow-1",
    "me-east-1",
    "ap-southeast-4",
    "ae-ad-1",
    "cn-east-4",
    "cn-east-5",
    "tr-west-1",
    "cn-north-12",
];

/// The regions with an STS endpoint of their own (`https://sts.{region}.myhuaweicloud.com`).
const STS_REGIONS: [&str; 12] = [
    "cn-north-4",
    "cn-south-1",
    "cn-east-3",
    "cn-southwest-2",
    "ap-southeast-1",
    "ap-southeast-3",
    "ap-southeast-2",
    "sa-brazil-1",
    "la-south-2",
    "af-south-1",
    "ap-southeast-4",
    "tr-west-1",
];

/// IAM's URL: `given`, else [`IAM_ENDPOINT_ENV`], else [`iam_url`] of `region`.
pub(crate) fn iam_endpoint(given: Option<&str>, region: Option<&str>) -> String {
    given
        .map(str::to_owned)
        .or_else(|| from_env(IAM_ENDPOINT_ENV))
        .unwrap_or_else(|| iam_url(region))
}

/// STS's URL: `given`, else [`STS_ENDPOINT_ENV`], else [`sts_url`] of `region`.
pub(crate) fn sts_endpoint(given: Option<&str>, region: Option<&str>) -> String {
    given
        .map(str::to_owned)
        .or_else(|| from_env(STS_ENDPOINT_ENV))
        .unwrap_or_else(|| sts_url(region))
}

/// A URL from the environment, when set and not blank.
fn from_env(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .filter(|url| !url.trim().is_empty())
}

/// IAM's URL for `region`: the region's own when the SDK knows it, else the global IAM.
fn iam_url(region: Option<&str>) -> String {
    match region {
        Some(region) if IAM_REGIONS.contains(&region) => {
            format!("https://iam.{region}.myhuaweicloud.com")
        }
        _ => GLOBAL_IAM.to_owned(),
    }
}

/// STS's URL for `region`: the region's own when the SDK knows it, else cn-north-4's.
fn sts_url(region: Option<&str>) -> String {
    match region {
        Some(region) if STS_REGIONS.contains(&region) => {
            format!("https://sts.{region}.myhuaweicloud.com")
        }
        _ => DEFAULT_STS.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_regions_have_their_own_endpoints_and_others_the_defaults() {
        assert_eq!(
            iam_url(Some("eu-west-0")),
            "https://iam.eu-west-0.myhuaweicloud.com"
        );
        assert_eq!(
            iam_url(Some("eu-west-101")),
            "https://iam.myhuaweicloud.com"
        );
        assert_eq!(iam_url(None), "https://iam.myhuaweicloud.com");
        assert_eq!(
            sts_url(Some("ap-southeast-1")),
            "https://sts.ap-southeast-1.myhuaweicloud.com"
        );
        assert_eq!(
            sts_url(Some("eu-west-0")),
            "https://sts.cn-north-4.myhuaweicloud.com"
        );
        assert_eq!(sts_url(None), "https://sts.cn-north-4.myhuaweicloud.com");
    }
}
