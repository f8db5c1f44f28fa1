//! thryve-connect: a custom Thryve data source connection screen.

pub mod catalogue;
pub mod config;
pub mod i18n;
pub mod outcome;
pub mod status;
pub mod token;
pub mod urls;
