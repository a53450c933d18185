//! The `gwcheck::testing` helper on the bundled example manifests.

use gwcheck::testing::{Harness, HarnessError};

const STORE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../examples/manifests/store.yaml"
);

fn edge() -> gwcheck::testing::TestGateway {
    Harness::load(STORE)
        .and_then(|h| h.gateway("infra/edge"))
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn store_requests_go_where_the_routes_say() {
    let gw = edge();
    let _ = gw
        .get("http://shop.store.example.com/cart")
        .assert_backend("store/cart");
    let _ = gw
        .get("https://shop.store.example.com/")
        .header("x-canary", "yes")
        .assert_backend("store/web-v2");
    let _ = gw
        .get("https://shop.store.example.com/checkout")
        .assert_backend("payments/checkout-api");
    gw.get("http://shop.store.example.com/cartoons")
        .assert_split(&[("store/web-v1", 90), ("store/web-v2", 10)]);
}

#[test]
fn rewrites_and_header_filters_are_visible_upstream() {
    let gw = edge();
    let _ = gw
        .get("https://api.store.example.com/v1/orders?limit=5")
        .assert_backend("store/api")
        .assert_upstream_path("/orders")
        .assert_upstream_header("x-api-version", "1")
        .assert_no_upstream_header("x-other");
}

#[test]
fn redirects_and_gateway_answers() {
    let gw = edge();
    gw.get("http://old-shop.example.com/some/page")
        .assert_redirect(301, "https://shop.store.example.com/some/page");
    gw.get("http://unknown.example.com/").assert_status(404);
}

#[test]
fn a_wrong_backend_panics_with_the_decision() {
    let gw = edge();
    let panic = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _ = gw
            .get("http://shop.store.example.com/cart")
            .assert_backend("store/web-v1");
    }))
    .expect_err("must panic");
    let message = panic.downcast_ref::<String>().cloned().unwrap_or_default();
    assert_eq!(
        message,
        "GET http://shop.store.example.com/cart on Gateway infra/edge: expected forward to \
         store/web-v1, got forward to store/cart (HTTPRoute store/shop rule 0)"
    );
}

#[test]
fn a_wrong_split_panics_with_the_shares_seen() {
    let gw = edge();
    let panic = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        gw.get("http://shop.store.example.com/")
            .assert_split(&[("store/web-v1", 50), ("store/web-v2", 50)]);
    }))
    .expect_err("must panic");
    let message = panic.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(
        message.contains("store/web-v1: 90.0%, store/web-v2: 10.0%"),
        "{message}"
    );
}

#[test]
fn admission_errors_fail_the_load() {
    let yaml = "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r, namespace: a}\n\
                spec:\n  rules:\n    - matches: [{path: {type: PathPrefix, value: no-slash}}]\n";
    let err = Harness::from_yaml(yaml).expect_err("must fail");
    assert!(matches!(err, HarnessError::Admission(_)), "{err}");
}

#[test]
fn unknown_gateways_are_errors() {
    let harness = Harness::load(STORE).unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(
        harness.gateway("infra/nope"),
        Err(HarnessError::UnknownGateway(_))
    ));
    assert!(matches!(
        harness.gateway("edge"),
        Err(HarnessError::BadGatewayName(_))
    ));
}
