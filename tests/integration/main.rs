//! Integration tests: the store contract on both backends, the HTTP API of a real server
//! spawned in process, and the `portico` binary itself.

mod support;

mod audit_log;
mod authorization_code;
mod authorization_code_rules;
mod backup;
mod behind_proxy;
mod cli_apis;
mod deploy_reference;
mod gateway_hardening;
mod gateway_proxy;
mod gateway_rules;
mod http_limits;
mod jwt_access;
mod jwt_forgery;
mod jwt_nodes;
mod multi_node;
mod observability;
mod openid;
mod portal_apis;
mod portal_apps;
mod portal_auth;
mod portal_hardening;
mod portal_render;
mod request_ids;
mod revoke_introspect;
mod split_config;
mod split_gateway;
mod split_portal;
mod split_processes;
mod startup;
mod stats_access;
mod stats_counting;
mod store_batch;
mod store_contract;
mod store_tokens;
mod throttle_paths;
mod token_client_auth;
mod token_conformance;
mod token_interop;
mod token_password;
mod token_refresh;
mod token_transport;
mod token_values;
mod transfer;
