//! A compiled Gateway API request router.
