//! PY070 pool-per-request: a connection pool or client (SQLAlchemy engine, Redis client,
//! requests/httpx/aiohttp session, database connection) built inside a request handler,
//! so every request pays for new connections and leaks them under load.

use super::PythonFile;
use crate::diagnostic::Emitter;
use crate::gate::Gate;

/// A pool constructor and something that makes a function a handler.
pub const TRIGGERS: Gate = Gate::Every(&[REGION, super::HANDLER_GATE]);

/// Where a finding can be: at the client or pool constructor.
pub const REGION: Gate = Gate::Any(&[
    "create_engine",
    "create_async_engine",
    "redis",
    "Redis",
    "Session",
    "httpx",
    "aiohttp",
    "psycopg",
]);

const POOLS: &[&str] = &[
    "sqlalchemy.create_engine",
    "sqlalchemy.engine.create_engine",
    "sqlalchemy.ext.asyncio.create_async_engine",
    "redis.Redis",
    "redis.StrictRedis",
    "redis.from_url",
    "redis.Redis.from_url",
    "redis.asyncio.Redis",
    "redis.asyncio.from_url",
    "redis.asyncio.Redis.from_url",
    "requests.Session",
    "requests.session",
    "requests.sessions.Session",
    "httpx.Client",
    "httpx.AsyncClient",
    "aiohttp.ClientSession",
    "psycopg2.connect",
    "psycopg2.pool.SimpleConnectionPool",
    "psycopg2.pool.ThreadedConnectionPool",
    "psycopg.connect",
    "psycopg_pool.ConnectionPool",
    "asyncpg.create_pool",
];

pub fn check(file: &PythonFile, out: &mut Emitter) {
    let module = file.module;
    for name in POOLS {
        for call in module.calls_to(name) {
            let Some(handler) = module.request_handler_of(call) else {
                continue;
            };
            out.report(
                call.callee_span,
                format!(
                    "`{}(...)` builds a new connection pool or client on every request to `{}`",
                    call.callee_text,
                    module.function(handler).name
                ),
            )
            .help("create it once at startup (module level, app factory or lifespan hook) and reuse it");
        }
    }
}
