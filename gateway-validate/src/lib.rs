//! Gateway API admission checks and computed status.
