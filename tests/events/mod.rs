//! The change log end to end: events written with their changes, webhooks delivered from
//! them (retries, ordering, crashes, unsafe targets), the live stream, and several
//! servers on one database seeing each other's writes.

mod changelog;
mod crash;
mod delivery;
mod manage;
mod nodes;
mod ssrf;
mod stream;
