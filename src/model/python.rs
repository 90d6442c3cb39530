//! The Python semantic model that prodlint's Python rules query.
//!
//! Rules never walk the syntax tree: they ask this model for a call's *resolved qualified
//! name* (`requests.get`, `flask.Flask.run`), its literal arguments, the function it sits in,
//! the module's assignments, app objects and routes. Aliases (`import requests as r`,
//! `from requests import get`, `s = requests.Session()`) are handled once, here.
//!
//! The model is built by one hand-written `TreeCursor` walk per file (no tree-sitter
//! queries: measured slower). The walk records raw facts — bindings, name references,
//! calls — and a short pass after it resolves every reference. Deferring resolution is
//! what lets a function body see a module-level binding written after the function, as
//! Python does at call time. The walk is iterative and every helper that follows nested
//! syntax is bounded, so deeply nested input cannot overflow the stack.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

use tree_sitter::{Node, Tree, TreeCursor};

use crate::lang::python::first_syntax_error;
use crate::source::Span;

// ---------------------------------------------------------------------------------------
// The public model
// ---------------------------------------------------------------------------------------

/// Index of a function (or lambda) in [`Module::functions`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FunctionId(pub usize);

/// Index of a call in [`Module::calls`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CallId(pub usize);

/// Index of an `except` clause in [`Module::handlers`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HandlerId(pub usize);

/// Index of a `while`/`for` loop in [`Module::loops`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LoopId(pub usize);

/// Index of a class in [`Module::classes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClassId(pub usize);

/// A value written literally in the source, or `Other` for anything a rule cannot judge
/// (names, expressions, f-strings, implicit string concatenations, bytes).
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Bool(bool),
    Int(i64),
    Float(f64),
    /// A `str` literal with escapes decoded (raw strings kept as written).
    Str(String),
    None,
    /// A list, tuple or set display whose elements are each read as a literal (an element
    /// that is not one is `Other`). Needed for `methods=["GET"]`, `ALLOWED_HOSTS = ["*"]`,
    /// `allow_origins=["*"]`. Very long or deeply nested displays are `Other`.
    List(Vec<Literal>),
    /// A dict display whose keys and values are each read as literals. A dict with a
    /// `**splat` is `Other` (its keys cannot be known); size and depth are bounded as for
    /// `List`.
    Dict(Vec<(Literal, Literal)>),
    Other,
}

impl Literal {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Literal::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Literal::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_int(&self) -> Option<i64> {
        match self {
            Literal::Int(i) => Some(*i),
            _ => None,
        }
    }

    pub fn is_none(&self) -> bool {
        matches!(self, Literal::None)
    }

    /// The value of key `key` in a dict literal (the last one when repeated).
    pub fn get(&self, key: &str) -> Option<&Literal> {
        match self {
            Literal::Dict(pairs) => pairs
                .iter()
                .rev()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }
}

/// A parameter's default value (`def connect(password="...")`).
#[derive(Debug, Clone, PartialEq)]
pub struct ParameterDefault {
    pub function: FunctionId,
    pub name: String,
    pub value: Literal,
    pub value_span: Span,
}

/// A `"key": value` entry of a dict display read as a literal (an assignment's value or a
/// call's argument, nested displays included), with the spans a finding needs.
#[derive(Debug, Clone, PartialEq)]
pub struct DictEntry {
    pub key: String,
    pub key_span: Span,
    pub value: Literal,
    pub value_span: Span,
}

/// An `==` or `!=` comparison of a name, an attribute or a string-keyed subscript with a
/// string literal, either way round (`password == "x"`, `"x" != obj.token`,
/// `headers["X-Api-Key"] == "x"`).
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// The identifier, the attribute's name or the subscript's key.
    pub name: String,
    /// The compared expression.
    pub name_span: Span,
    pub value: String,
    pub value_span: Span,
    pub function: Option<FunctionId>,
}

/// How an argument is passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgumentKind {
    Positional,
    Keyword,
    /// `*args`
    ListSplat,
    /// `**kwargs`
    DictSplat,
}

/// One argument of a call, in source order.
#[derive(Debug, Clone, PartialEq)]
pub struct Argument {
    pub kind: ArgumentKind,
    /// The keyword of a keyword argument.
    pub keyword: Option<String>,
    pub keyword_span: Option<Span>,
    /// The literal value (`Other` for splats and non-literals).
    pub value: Literal,
    /// The value expression (for a splat: the expression after `*`/`**`).
    pub value_span: Span,
    /// The whole argument, keyword and stars included.
    pub span: Span,
    /// For a bare name (`allow_origins=ORIGINS`), the literal it is bound to, when that
    /// is the name's only binding in its scope (`ORIGINS = ["*"]`).
    pub constant: Option<NamedConstant>,
}

/// A literal reached through a name with a single binding.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedConstant {
    pub value: Literal,
    /// Where the literal is written (the value of the binding assignment).
    pub value_span: Span,
    /// The binding assignment, in [`Module::assignments`].
    pub assignment: usize,
}

/// A call expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// The whole call, callee to closing parenthesis.
    pub span: Span,
    pub callee_span: Span,
    /// The callee as written (`r.get`, `requests.Session().get`).
    pub callee_text: String,
    /// The resolved qualified name (`requests.get`), `None` when it cannot be known.
    pub qualname: Option<String>,
    pub arguments: Vec<Argument>,
    pub has_star_args: bool,
    pub has_star_kwargs: bool,
    /// The innermost function or lambda the call is evaluated in. Decorators and default
    /// values are evaluated in the scope around the function, so they carry that one.
    pub function: Option<FunctionId>,
    /// Textually inside `if __name__ == "__main__":` at module level.
    pub in_main_guard: bool,
    /// Directly in a class body (not in one of its methods).
    pub in_class: bool,
    /// The call is the whole statement: its result is dropped.
    pub is_expression_statement: bool,
    /// The call is the operand of `await`.
    pub awaited: bool,
    /// The innermost `except` clause the call sits in, within its own function.
    pub handler: Option<HandlerId>,
    /// The innermost loop the call sits in, within its own function.
    pub in_loop: Option<LoopId>,
}

impl Call {
    /// The argument passed with keyword `name`.
    pub fn keyword(&self, name: &str) -> Option<&Argument> {
        self.arguments
            .iter()
            .find(|arg| arg.keyword.as_deref() == Some(name))
    }

    /// The `index`-th plain positional argument (keywords and splats are not counted).
    pub fn positional(&self, index: usize) -> Option<&Argument> {
        self.arguments
            .iter()
            .filter(|arg| arg.kind == ArgumentKind::Positional)
            .nth(index)
    }

    /// Whether the resolved qualified name is exactly `qualname`.
    pub fn is(&self, qualname: &str) -> bool {
        self.qualname.as_deref() == Some(qualname)
    }
}

/// A decorator of a function.
#[derive(Debug, Clone, PartialEq)]
pub struct Decorator {
    /// The decorator line, `@` included.
    pub span: Span,
    /// The decorator expression as written, without `@` (`app.get("/x")`).
    pub text: String,
    /// For a call decorator the callee's qualified name (`@app.get("/x")` →
    /// `fastapi.FastAPI.get`), otherwise the expression's (`@functools.cache`).
    pub qualname: Option<String>,
    /// The decorator's call, when it is one; its arguments are in [`Module::calls`].
    pub call: Option<CallId>,
}

/// A `def`, `async def` or `lambda`.
#[derive(Debug, Clone, PartialEq)]
pub struct Function {
    /// The name; `<lambda>` for lambdas.
    pub name: String,
    /// The name's span; for a lambda, the `lambda` keyword.
    pub name_span: Span,
    /// The definition from `def`/`async`/`lambda` to its end (decorators not included).
    pub span: Span,
    pub is_async: bool,
    pub is_lambda: bool,
    /// A method: the definition sits directly in a class body.
    pub is_method: bool,
    /// The function this one is defined in.
    pub parent: Option<FunctionId>,
    pub decorators: Vec<Decorator>,
    /// For a method, the class whose body defines it.
    pub class: Option<ClassId>,
    /// The body does nothing: only a docstring, `pass`, `...` or a bare `return`
    /// (`def downgrade(): pass`). Always false for lambdas.
    pub body_is_trivial: bool,
}

/// A `class` definition.
#[derive(Debug, Clone, PartialEq)]
pub struct Class {
    pub name: String,
    pub name_span: Span,
    pub span: Span,
    /// Each base class's qualified name when it resolves through imports, else its text
    /// (`rest_framework.views.APIView`, `BaseView`). Keyword arguments are not bases.
    pub bases: Vec<String>,
    /// The function the class is defined in.
    pub function: Option<FunctionId>,
}

/// An `except` clause.
#[derive(Debug, Clone, PartialEq)]
pub struct ExceptHandler {
    /// The clause from `except` to the end of its body.
    pub span: Span,
    /// The `except` keyword (where findings about the clause point).
    pub keyword_span: Span,
    /// The caught types — qualified names when they resolve through imports
    /// (`asyncio.CancelledError`), else their text (`Exception`, `errors.Retry`); a tuple
    /// gives one entry per element. `None` for a bare `except:`.
    pub types: Option<Vec<String>>,
    /// `except E as name`.
    pub binds_name: Option<String>,
    pub body_span: Span,
    /// The body is only `pass`, `...`, `continue` or `return` without a value.
    pub body_is_trivial: bool,
    /// What a trivial body does: `pass`/`...`, `continue` or `return` (its first
    /// statement); `None` when the body is not trivial.
    pub trivial: Option<TrivialBody>,
    /// A comment in the clause's body, on its own line, that explains (three words or
    /// more, not a `TODO`/`FIXME`/`noqa`/`pragma` marker): the author says why.
    pub explained: bool,
    /// The `try` body binds a name that the statement right after the `try` statement
    /// reads (`lang = detect(text)` ... `meta["lang"] = lang`): the name held a fallback
    /// the clause keeps when the attempt fails.
    pub fallback_read_after: bool,
    /// The `try` statement is in the function's own body and only `return`s that await
    /// nothing follow it: once the clause is done, so is the function.
    pub try_ends_function: bool,
    /// A `raise` statement somewhere in the body (not in a nested function or a nested
    /// `except` clause).
    pub body_reraises: bool,
    /// Every call in the body, nested ones included (not in nested functions).
    pub body_calls: Vec<CallId>,
    /// A `break` or `return` somewhere in the body (not in a nested function or a nested
    /// `except` clause): the clause leaves the loop around it.
    pub body_exits: bool,
    /// A `break` or `return` in the `try` body, `else` or `finally` clause of the statement
    /// this clause belongs to: success leaves the loop around it (the shape of a retry).
    pub try_exits: bool,
    pub function: Option<FunctionId>,
    /// The clause runs in an `async def` body.
    pub in_async: bool,
    /// The `except` clause this one sits in, within the same function.
    pub parent: Option<HandlerId>,
    /// The innermost loop the clause sits in, within the same function.
    pub in_loop: Option<LoopId>,
}

/// The types that catch every error.
const BROAD_EXCEPTIONS: &[&str] = &[
    "Exception",
    "BaseException",
    "builtins.Exception",
    "builtins.BaseException",
];

/// What an `except` body made only of a do-nothing statement does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrivialBody {
    /// `pass` or `...`.
    Pass,
    Continue,
    /// `return` without a value.
    Return,
}

impl ExceptHandler {
    /// Whether the clause catches `name` (an exact qualified name or text in `types`).
    /// A bare `except:` catches nothing by name.
    pub fn catches(&self, name: &str) -> bool {
        self.types
            .as_ref()
            .is_some_and(|types| types.iter().any(|t| t == name))
    }

    /// The broad type the clause catches, unqualified (`Exception`, `BaseException`, also
    /// in a tuple), `Some("")` for a bare `except:`, `None` for a clause that names only
    /// specific exceptions.
    pub fn broad(&self) -> Option<&'static str> {
        match &self.types {
            None => Some(""),
            Some(types) => BROAD_EXCEPTIONS
                .iter()
                .find(|b| types.iter().any(|t| t == *b))
                .map(|b| b.trim_start_matches("builtins.")),
        }
    }
}

/// Which loop statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoopKind {
    While,
    For,
}

/// A `while` or `for` loop (`async for` included).
#[derive(Debug, Clone, PartialEq)]
pub struct Loop {
    pub kind: LoopKind,
    /// `while True:` / `while 1:`.
    pub is_while_true: bool,
    pub span: Span,
    /// The `while`/`for` keyword.
    pub keyword_span: Span,
    pub body_span: Span,
    /// Every call in the loop (condition, iterable and body, nested ones included; not in
    /// nested functions).
    pub calls: Vec<CallId>,
    /// A `try` statement somewhere in the loop.
    pub has_try_in_body: bool,
    /// Every `except` clause in the loop, nested ones included.
    pub handlers: Vec<HandlerId>,
    pub function: Option<FunctionId>,
    /// The loop this one sits in, within the same function.
    pub parent: Option<LoopId>,
    /// For a `for` loop over a call's result (`for attempt in range(5):`), that call.
    pub iterable_call: Option<CallId>,
}

/// A read of `os.environ[...]` (a subscript of an object named `environ`).
#[derive(Debug, Clone, PartialEq)]
pub struct EnvironRead {
    /// The whole subscript expression.
    pub span: Span,
    /// The resolved object (`os.environ`), `None` when unknown.
    pub object_qualname: Option<String>,
    pub key: Literal,
    pub function: Option<FunctionId>,
}

/// The target of an assignment.
#[derive(Debug, Clone, PartialEq)]
pub enum AssignTarget {
    /// `DEBUG = True`
    Name(String),
    /// `app.debug = True`
    Attribute {
        object_qualname: Option<String>,
        object_text: String,
        attr: String,
    },
    /// `app.config["DEBUG"] = True`
    Subscript {
        object_qualname: Option<String>,
        object_text: String,
        key: Literal,
    },
}

/// An assignment statement (plain, chained — one record per target —, annotated with a
/// value, or augmented). Tuple and list targets are not recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    pub target: AssignTarget,
    pub target_span: Span,
    pub value: Literal,
    pub value_span: Span,
    /// The value, when it is a call (`DEBUG = os.environ.get("DEBUG", True)`).
    pub value_call: Option<CallId>,
    /// The statement.
    pub span: Span,
    /// `x += 1` and the like.
    pub augmented: bool,
    /// `None`: module level (or a class body at module level, see `in_class`).
    pub function: Option<FunctionId>,
    /// Directly in a class body.
    pub in_class: bool,
    pub in_main_guard: bool,
}

/// One name bound by an import.
#[derive(Debug, Clone, PartialEq)]
pub struct Import {
    /// What was imported: `a.b` for `import a.b` and `import a.b as c`, `flask.Flask` for
    /// `from flask import Flask`, `.x` / `..pkg.y` for relative imports.
    pub qualname: String,
    /// The name bound: `a` for `import a.b` (which then resolves to `a`), `c` for an alias.
    pub bound_name: String,
    /// The import statement.
    pub span: Span,
    /// The imported item (`a.b as c`).
    pub item_span: Span,
    pub function: Option<FunctionId>,
}

/// Whether an application object speaks WSGI or ASGI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppKind {
    Wsgi,
    Asgi,
}

/// A name bound to a web application object (`app = Flask(__name__)`).
#[derive(Debug, Clone, PartialEq)]
pub struct AppObject {
    pub name: String,
    /// The constructor's qualified name (`flask.Flask`).
    pub qualname: String,
    pub kind: AppKind,
    /// The assignment statement.
    pub span: Span,
    pub name_span: Span,
    /// `None` at module level; set for app factories.
    pub function: Option<FunctionId>,
}

/// A route declared by a decorator (`@app.get("/ready")`).
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    /// The path, with a router's literal `prefix=` / blueprint's `url_prefix=` prepended.
    pub path: String,
    /// Upper-case HTTP methods (`["GET"]` when the decorator names none).
    pub methods: Vec<String>,
    pub function: FunctionId,
    /// The decorator.
    pub span: Span,
    /// The path argument.
    pub path_span: Span,
}

/// Everything the Python rules know about one file.
#[derive(Debug, Clone, Default)]
pub struct Module {
    /// Every call, in source order of their start.
    pub calls: Vec<Call>,
    pub functions: Vec<Function>,
    pub assignments: Vec<Assignment>,
    pub imports: Vec<Import>,
    pub app_objects: Vec<AppObject>,
    pub routes: Vec<Route>,
    pub classes: Vec<Class>,
    pub handlers: Vec<ExceptHandler>,
    pub loops: Vec<Loop>,
    /// Reads of `os.environ[...]`.
    pub environ_reads: Vec<EnvironRead>,
    /// The first syntax error; the rest of the model is still built around it.
    pub syntax_error: Option<Span>,
    calls_by_qualname: HashMap<String, Vec<usize>, FastHash>,
    /// String-keyed entries of the dict displays read as literals (see [`DictEntry`]).
    pub dict_entries: Vec<DictEntry>,
    /// Default values of function parameters.
    pub parameter_defaults: Vec<ParameterDefault>,
    /// Comparisons with string literals.
    pub comparisons: Vec<Comparison>,
    /// Every identifier inside a function body, in source order (see [`Module::mentions`]).
    identifiers_in_functions: Vec<Span>,
}

impl Module {
    pub fn calls(&self) -> impl Iterator<Item = &Call> {
        self.calls.iter()
    }

    /// Every call whose resolved qualified name is `qualname` (a hash lookup).
    pub fn calls_to<'m>(&'m self, qualname: &str) -> impl Iterator<Item = &'m Call> + 'm {
        self.calls_by_qualname
            .get(qualname)
            .into_iter()
            .flatten()
            .map(move |&index| &self.calls[index])
    }

    pub fn call(&self, id: CallId) -> &Call {
        &self.calls[id.0]
    }

    pub fn function(&self, id: FunctionId) -> &Function {
        &self.functions[id.0]
    }

    /// The functions around `call`, innermost first.
    pub fn enclosing_functions<'m>(&'m self, call: &Call) -> impl Iterator<Item = &'m Function> {
        let mut next = call.function;
        std::iter::from_fn(move || {
            let function = &self.functions[next?.0];
            next = function.parent;
            Some(function)
        })
    }

    /// Whether `call` runs in an `async def` body (a nested sync `def` or lambda breaks
    /// the async context).
    pub fn in_async_context(&self, call: &Call) -> bool {
        call.function
            .is_some_and(|id| self.functions[id.0].is_async)
    }

    pub fn handler(&self, id: HandlerId) -> &ExceptHandler {
        &self.handlers[id.0]
    }

    pub fn loop_at(&self, id: LoopId) -> &Loop {
        &self.loops[id.0]
    }

    /// Whether `function` serves HTTP requests: a route of a Flask/Quart/FastAPI/Starlette
    /// app or router known to the model, a function decorated as a view
    /// (`@api_view`, ...), or an HTTP-method method (`get`, `post`, ...) of a class that
    /// derives — directly or through classes of this file — from a class-based view
    /// (Django `View`, DRF `APIView`/`ViewSet`, Flask `MethodView`). The names are data:
    /// `rules/python/handlers.toml`.
    pub fn is_request_handler(&self, function: FunctionId) -> bool {
        let table = handler_table();
        if self.routes.iter().any(|route| route.function == function) {
            return true;
        }
        let f = &self.functions[function.0];
        if f.decorators.iter().any(|d| {
            d.qualname
                .as_deref()
                .is_some_and(|q| table.view_decorators.iter().any(|v| v == q))
        }) {
            return true;
        }
        match f.class {
            Some(class) if table.view_methods.contains(&f.name) => self.is_view_class(class, 0),
            _ => false,
        }
    }

    fn is_view_class(&self, class: ClassId, depth: u32) -> bool {
        if depth > 16 {
            return false;
        }
        let table = handler_table();
        self.classes[class.0].bases.iter().any(|base| {
            table.view_base_classes.iter().any(|v| v == base)
                || self.classes.iter().enumerate().any(|(index, local)| {
                    index != class.0
                        && local.name == *base
                        && self.is_view_class(ClassId(index), depth + 1)
                })
        })
    }

    /// Whether `function` is a background worker task (Celery `@app.task`,
    /// `@shared_task`, dramatiq `@actor`, ...; data in `rules/python/handlers.toml`).
    pub fn is_worker_task(&self, function: FunctionId) -> bool {
        let table = handler_table();
        self.functions[function.0].decorators.iter().any(|d| {
            d.qualname
                .as_deref()
                .is_some_and(|q| table.task_decorators.iter().any(|t| t == q))
        })
    }

    /// The request handler `call` runs in: its own function or one around it (a helper
    /// or lambda defined inside a handler runs per request too).
    pub fn request_handler_of(&self, call: &Call) -> Option<FunctionId> {
        let mut next = call.function;
        while let Some(id) = next {
            if self.is_request_handler(id) {
                return Some(id);
            }
            next = self.functions[id.0].parent;
        }
        None
    }

    /// Whether an identifier spelled `name` occurs inside a function within `range` of
    /// `text` (the module's source): reads, writes and attribute names alike, so `false`
    /// means the name is certainly not mentioned there.
    pub fn mentions(&self, text: &str, name: &str, range: Span) -> bool {
        let first = self
            .identifiers_in_functions
            .partition_point(|span| span.start < range.start);
        self.identifiers_in_functions[first..]
            .iter()
            .take_while(|span| span.end <= range.end)
            .any(|span| text.get(span.start..span.end) == Some(name))
    }

    /// Whether the file imports `module` or anything below it (`urllib` matches
    /// `import urllib.request`; `flask` matches `from flask import Flask`).
    pub fn imports_module(&self, module: &str) -> bool {
        self.imports.iter().any(|import| {
            import.qualname == module
                || import
                    .qualname
                    .strip_prefix(module)
                    .is_some_and(|rest| rest.starts_with('.'))
        })
    }
}

/// The names that make a function a request handler or a worker task.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct HandlerTable {
    pub view_decorators: Vec<String>,
    pub view_base_classes: Vec<String>,
    pub view_methods: Vec<String>,
    pub task_decorators: Vec<String>,
}

/// The compiled-in `rules/python/handlers.toml` (validated by the test suite).
pub fn handler_table() -> &'static HandlerTable {
    static TABLE: OnceLock<HandlerTable> = OnceLock::new();
    TABLE.get_or_init(|| {
        toml::from_str(include_str!("../../rules/python/handlers.toml"))
            .expect("handlers.toml is valid")
    })
}

/// Whether a comment explains rather than marks: three words or more, not a to-do or a
/// tool directive (`# TODO: handle`, `# noqa`, `# pragma: no cover`).
fn explains(comment: &str) -> bool {
    let text = comment.trim_start_matches('#').trim();
    let lower = text.to_ascii_lowercase();
    let marker = [
        "todo", "fixme", "xxx", "hack", "noqa", "pragma", "type:", "pylint", "nosec",
    ]
    .iter()
    .any(|m| lower.starts_with(m));
    !marker && text.split_whitespace().count() >= 3
}

/// Build the model of one parsed file.
pub fn build(text: &str, tree: &Tree) -> Module {
    let mut builder = Builder::new(text, tree);
    builder.walk(tree);
    builder.finish(tree)
}

// ---------------------------------------------------------------------------------------
// Tables
// ---------------------------------------------------------------------------------------

/// Names Python provides without an import, resolved to `builtins.<name>` unless rebound.
const BUILTINS: &[&str] = &[
    "__import__",
    "abs",
    "all",
    "any",
    "breakpoint",
    "bytearray",
    "bytes",
    "callable",
    "classmethod",
    "compile",
    "delattr",
    "dict",
    "dir",
    "eval",
    "exec",
    "exit",
    "float",
    "format",
    "frozenset",
    "getattr",
    "globals",
    "hasattr",
    "input",
    "int",
    "isinstance",
    "issubclass",
    "iter",
    "len",
    "list",
    "locals",
    "map",
    "max",
    "min",
    "next",
    "object",
    "open",
    "print",
    "property",
    "quit",
    "range",
    "repr",
    "set",
    "setattr",
    "sorted",
    "staticmethod",
    "str",
    "super",
    "tuple",
    "type",
    "vars",
    "zip",
];

/// Constructors whose result is a web application object.
pub(crate) const APP_CONSTRUCTORS: &[(&str, AppKind)] = &[
    ("flask.Flask", AppKind::Wsgi),
    ("flask.app.Flask", AppKind::Wsgi),
    ("quart.Quart", AppKind::Asgi),
    ("fastapi.FastAPI", AppKind::Asgi),
    ("fastapi.applications.FastAPI", AppKind::Asgi),
    ("starlette.applications.Starlette", AppKind::Asgi),
    ("django.core.wsgi.get_wsgi_application", AppKind::Wsgi),
    ("django.core.asgi.get_asgi_application", AppKind::Asgi),
];

/// Classes whose instances declare routes with decorators, and the keyword of their
/// constructor that prefixes every route path.
const ROUTE_RECEIVERS: &[(&str, Option<&str>)] = &[
    ("flask.Flask", None),
    ("flask.app.Flask", None),
    ("flask.Blueprint", Some("url_prefix")),
    ("flask.blueprints.Blueprint", Some("url_prefix")),
    ("quart.Quart", None),
    ("quart.Blueprint", Some("url_prefix")),
    ("fastapi.FastAPI", None),
    ("fastapi.applications.FastAPI", None),
    ("fastapi.APIRouter", Some("prefix")),
    ("fastapi.routing.APIRouter", Some("prefix")),
    ("starlette.applications.Starlette", None),
];

/// Decorator methods that name their HTTP method (FastAPI, Flask ≥ 2.0, Quart).
const METHOD_DECORATORS: &[&str] = &[
    "get", "post", "put", "delete", "patch", "head", "options", "trace",
];

/// Longest list display read as `Literal::List`; longer ones are data, not configuration.
const MAX_LIST_LITERAL: usize = 256;
/// Deepest nesting of list displays read as literals.
const MAX_LITERAL_DEPTH: u32 = 8;
/// Deepest chain of references followed when resolving (`a = b(); b = c(); …`).
const MAX_RESOLVE_DEPTH: u32 = 48;
/// Deepest nesting of assignment target patterns followed (`(a, (b, (c, …))) = …`).
const MAX_PATTERN_NODES: usize = 4096;

// ---------------------------------------------------------------------------------------
// Grammar ids, looked up once
// ---------------------------------------------------------------------------------------

struct Grammar {
    call: u16,
    attribute: u16,
    identifier: u16,
    parenthesized_expression: u16,
    keyword_argument: u16,
    list_splat: u16,
    dictionary_splat: u16,
    parenthesized_list_splat: u16,
    comment: u16,
    string: u16,
    integer: u16,
    float: u16,
    true_: u16,
    false_: u16,
    none: u16,
    unary_operator: u16,
    list: u16,
    tuple: u16,
    set: u16,
    expression_statement: u16,
    assignment: u16,
    augmented_assignment: u16,
    named_expression: u16,
    as_pattern: u16,
    for_statement: u16,
    for_in_clause: u16,
    function_definition: u16,
    lambda: u16,
    class_definition: u16,
    decorated_definition: u16,
    decorator: u16,
    list_comprehension: u16,
    set_comprehension: u16,
    dictionary_comprehension: u16,
    generator_expression: u16,
    if_statement: u16,
    comparison_operator: u16,
    global_statement: u16,
    import_statement: u16,
    import_from_statement: u16,
    future_import_statement: u16,
    aliased_import: u16,
    dotted_name: u16,
    await_: u16,
    subscript: u16,
    default_parameter: u16,
    typed_parameter: u16,
    typed_default_parameter: u16,
    try_statement: u16,
    except_clause: u16,
    except_group_clause: u16,
    while_statement: u16,
    raise_statement: u16,
    block: u16,
    pass_statement: u16,
    break_statement: u16,
    continue_statement: u16,
    return_statement: u16,
    ellipsis: u16,
    dictionary: u16,
    pair: u16,
    async_keyword: u16,
    equals_operator: u16,
    not_equals_operator: u16,
    slash: u16,
    pipe: u16,
    binary_operator: u16,
    boolean_operator: u16,
    type_: u16,
    generic_type: u16,
    type_parameter: u16,
    union_type: u16,
    tuple_pattern: u16,
    list_pattern: u16,
    list_splat_pattern: u16,
    pattern_list: u16,
    expression_list: u16,
    minus: u16,
    plus: u16,
    f_function: u16,
    f_arguments: u16,
    f_object: u16,
    f_attribute: u16,
    f_name: u16,
    f_value: u16,
    f_left: u16,
    f_right: u16,
    f_body: u16,
    f_alias: u16,
    f_module_name: u16,
    f_condition: u16,
    f_consequence: u16,
    f_definition: u16,
    f_parameters: u16,
    f_subscript: u16,
    f_operator: u16,
    f_argument: u16,
    f_key: u16,
    f_superclasses: u16,
    f_type: u16,
}

fn grammar() -> &'static Grammar {
    static GRAMMAR: OnceLock<Grammar> = OnceLock::new();
    GRAMMAR.get_or_init(|| {
        let language: tree_sitter::Language = tree_sitter_python::LANGUAGE.into();
        let named = |kind: &str| language.id_for_node_kind(kind, true);
        let token = |kind: &str| language.id_for_node_kind(kind, false);
        // A missing field name would be a grammar change; 0 never matches a real field.
        let field = |name: &str| language.field_id_for_name(name).map_or(0, |id| id.get());
        Grammar {
            call: named("call"),
            attribute: named("attribute"),
            identifier: named("identifier"),
            parenthesized_expression: named("parenthesized_expression"),
            keyword_argument: named("keyword_argument"),
            list_splat: named("list_splat"),
            dictionary_splat: named("dictionary_splat"),
            parenthesized_list_splat: named("parenthesized_list_splat"),
            comment: named("comment"),
            string: named("string"),
            integer: named("integer"),
            float: named("float"),
            true_: named("true"),
            false_: named("false"),
            none: named("none"),
            unary_operator: named("unary_operator"),
            list: named("list"),
            tuple: named("tuple"),
            set: named("set"),
            expression_statement: named("expression_statement"),
            assignment: named("assignment"),
            augmented_assignment: named("augmented_assignment"),
            named_expression: named("named_expression"),
            as_pattern: named("as_pattern"),
            for_statement: named("for_statement"),
            for_in_clause: named("for_in_clause"),
            function_definition: named("function_definition"),
            lambda: named("lambda"),
            class_definition: named("class_definition"),
            decorated_definition: named("decorated_definition"),
            decorator: named("decorator"),
            list_comprehension: named("list_comprehension"),
            set_comprehension: named("set_comprehension"),
            dictionary_comprehension: named("dictionary_comprehension"),
            generator_expression: named("generator_expression"),
            if_statement: named("if_statement"),
            comparison_operator: named("comparison_operator"),
            global_statement: named("global_statement"),
            import_statement: named("import_statement"),
            import_from_statement: named("import_from_statement"),
            future_import_statement: named("future_import_statement"),
            aliased_import: named("aliased_import"),
            dotted_name: named("dotted_name"),
            await_: named("await"),
            subscript: named("subscript"),
            default_parameter: named("default_parameter"),
            typed_parameter: named("typed_parameter"),
            typed_default_parameter: named("typed_default_parameter"),
            try_statement: named("try_statement"),
            except_clause: named("except_clause"),
            except_group_clause: named("except_group_clause"),
            while_statement: named("while_statement"),
            raise_statement: named("raise_statement"),
            block: named("block"),
            pass_statement: named("pass_statement"),
            break_statement: named("break_statement"),
            continue_statement: named("continue_statement"),
            return_statement: named("return_statement"),
            ellipsis: named("ellipsis"),
            dictionary: named("dictionary"),
            pair: named("pair"),
            async_keyword: token("async"),
            equals_operator: token("=="),
            not_equals_operator: token("!="),
            slash: token("/"),
            pipe: token("|"),
            binary_operator: named("binary_operator"),
            boolean_operator: named("boolean_operator"),
            type_: named("type"),
            generic_type: named("generic_type"),
            type_parameter: named("type_parameter"),
            union_type: named("union_type"),
            tuple_pattern: named("tuple_pattern"),
            list_pattern: named("list_pattern"),
            list_splat_pattern: named("list_splat_pattern"),
            pattern_list: named("pattern_list"),
            expression_list: named("expression_list"),
            minus: token("-"),
            plus: token("+"),
            f_function: field("function"),
            f_arguments: field("arguments"),
            f_object: field("object"),
            f_attribute: field("attribute"),
            f_name: field("name"),
            f_value: field("value"),
            f_left: field("left"),
            f_right: field("right"),
            f_body: field("body"),
            f_alias: field("alias"),
            f_module_name: field("module_name"),
            f_condition: field("condition"),
            f_consequence: field("consequence"),
            f_definition: field("definition"),
            f_parameters: field("parameters"),
            f_subscript: field("subscript"),
            f_operator: field("operator"),
            f_argument: field("argument"),
            f_key: field("key"),
            f_superclasses: field("superclasses"),
            f_type: field("type"),
        }
    })
}

// ---------------------------------------------------------------------------------------
// A small fast hasher for short keys (identifiers, qualified names)
// ---------------------------------------------------------------------------------------

/// FNV-1a: identifiers are short and not attacker-chosen in a way that matters for a
/// one-shot linter, so SipHash's cost buys nothing here.
#[derive(Default, Clone, Copy)]
struct FnvHasher(u64);

impl Hasher for FnvHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut hash = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &byte in bytes {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
        self.0 = hash;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type FastHash = BuildHasherDefault<FnvHasher>;

// ---------------------------------------------------------------------------------------
// Scopes, bindings and references recorded by the walk
// ---------------------------------------------------------------------------------------

type ScopeId = u32;
const MODULE_SCOPE: ScopeId = 0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ScopeKind {
    Module,
    Function,
    Class,
    Comprehension,
}

struct Scope<'a> {
    kind: ScopeKind,
    parent: Option<ScopeId>,
    /// Names declared `global` in this function.
    globals: Vec<&'a str>,
}

/// What a name was bound to.
#[derive(Debug, Clone)]
enum BindingValue {
    /// A parameter, loop variable, `def`, `class`, non-call value...: nothing known.
    Unknown,
    /// An import: the qualified name itself.
    Import(String),
    /// Another name or attribute chain (`get = requests.get`).
    Alias(RefId),
    /// The result of a call (`s = requests.Session()`), by the call's node id.
    CallResult(usize),
    /// An instance of the annotated type (`client: httpx.Client`, `path: Path | None`):
    /// resolves like a call of the type, so `client.get` is `httpx.Client.get`.
    Instance(RefId),
    /// A literal value (`ORIGINS = ["*"]`), by the index of its assignment.
    Constant(usize),
}

struct Binding {
    /// Where the binding takes effect (the end of the binding statement or clause).
    position: usize,
    /// The scope the name is bound in.
    scope: ScopeId,
    value: BindingValue,
}

type RefId = u32;

/// The base of a name or attribute chain.
#[derive(Debug, Clone, Copy)]
enum RefBase {
    Name(Span),
    /// A call's result, by its node id (`requests.Session().get`).
    CallNode(usize),
    /// Anything else (`x[0].get`, `(await f()).json`).
    Unresolvable,
}

/// A use of a name or attribute chain, resolved after the walk.
struct Reference {
    scope: ScopeId,
    position: usize,
    base: RefBase,
    /// The attribute names after the base, as a range of `Tables::attribute_spans`.
    attributes_start: u32,
    attributes_len: u32,
}

/// Where a decorator's qualified name comes from.
enum QualnameSource {
    CallNode(usize),
    Reference(RefId),
}

struct PendingDecorators {
    definition_node: usize,
    decorators: Vec<(Decorator, QualnameSource)>,
}

/// What the walk does when it reaches a pending child (a body, a main-guard block).
#[derive(Clone, Copy)]
enum PendingAction {
    EnterScope {
        scope: ScopeId,
        function: Option<FunctionId>,
        class: Option<ClassId>,
    },
    EnterMainGuard,
}

/// A child the walk is waiting for: the node at `depth` with field `field`.
#[derive(Clone, Copy)]
struct Pending {
    depth: u32,
    field: u16,
    action: PendingAction,
}

/// Where the walk is: saved on entering a node that changes it, restored on leaving.
#[derive(Clone, Copy)]
struct Context {
    scope: ScopeId,
    function: Option<FunctionId>,
    in_main_guard: bool,
    in_class: bool,
    /// The class whose body the walk is directly in.
    class: Option<ClassId>,
    handler: Option<HandlerId>,
    in_loop: Option<LoopId>,
    /// The `try` statement whose body, `else` or `finally` the walk is in, by index into
    /// `Builder::try_exits`.
    in_try: Option<usize>,
    pending: Option<Pending>,
}

struct Frame {
    depth: u32,
    saved: Context,
}

/// The raw facts the resolver reads.
struct Tables<'a> {
    text: &'a str,
    scopes: Vec<Scope<'a>>,
    bindings: Vec<Binding>,
    bindings_by_name: HashMap<(ScopeId, &'a str), Vec<u32>, FastHash>,
    references: Vec<Reference>,
    attribute_spans: Vec<Span>,
    call_by_node: HashMap<usize, CallId, FastHash>,
    /// The callee reference of each call, by call index.
    callee_references: Vec<RefId>,
    /// What the methods of a class assign to `self.<attribute>`, by the class's scope:
    /// `self.session = requests.Session()` in `__init__` lets `self.session.get(...)` in
    /// any method of the class resolve to `requests.Session.get`.
    instance_attributes: HashMap<(ScopeId, &'a str), Vec<BindingValue>, FastHash>,
}

impl<'a> Tables<'a> {
    fn slice(&self, span: Span) -> &'a str {
        self.text.get(span.start..span.end).unwrap_or("")
    }
}

/// The class scope whose method `scope` is, or is nested in (a closure in a method sees
/// the method's `self`).
fn method_class_scope(scopes: &[Scope<'_>], scope: ScopeId) -> Option<ScopeId> {
    let mut current = scope;
    loop {
        let info = &scopes[current as usize];
        let parent = info.parent?;
        match (info.kind, scopes[parent as usize].kind) {
            (ScopeKind::Function, ScopeKind::Class) => return Some(parent),
            (ScopeKind::Function | ScopeKind::Comprehension, _) => current = parent,
            _ => return None,
        }
    }
}

enum Lookup {
    Binding(u32),
    Builtin,
    Missing,
}

/// Records a name or attribute-chain target for the after-walk pass.
enum Deferred {
    AssignmentObject { assignment: usize, reference: RefId },
    AssignmentValueCall { assignment: usize, node: usize },
}

struct AppCandidate {
    name_span: Span,
    call_node: usize,
    span: Span,
    function: Option<FunctionId>,
}

// ---------------------------------------------------------------------------------------
// The walk
// ---------------------------------------------------------------------------------------

struct Builder<'a> {
    g: &'static Grammar,
    tables: Tables<'a>,
    calls: Vec<Call>,
    functions: Vec<Function>,
    decorator_sources: Vec<(FunctionId, usize, QualnameSource)>,
    assignments: Vec<Assignment>,
    deferred: Vec<Deferred>,
    imports: Vec<Import>,
    app_candidates: Vec<AppCandidate>,
    classes: Vec<Class>,
    /// Base classes to resolve after the walk: (class, base index, reference).
    class_bases: Vec<(ClassId, usize, RefId)>,
    handlers: Vec<ExceptHandler>,
    /// Caught types to resolve after the walk: (handler, type index, reference).
    handler_types: Vec<(HandlerId, usize, RefId)>,
    loops: Vec<Loop>,
    /// `for` loops over a call, by the call's node id.
    loop_iterables: Vec<(LoopId, usize)>,
    /// Per `try` statement: whether its body, `else` or `finally` breaks or returns.
    try_exits: Vec<bool>,
    /// The `try` statement of each handler, by index into `try_exits`.
    handler_trys: Vec<Option<usize>>,
    environ_reads: Vec<EnvironRead>,
    dict_entries: Vec<DictEntry>,
    parameter_defaults: Vec<ParameterDefault>,
    comparisons: Vec<Comparison>,
    identifiers_in_functions: Vec<Span>,
    environ_references: Vec<RefId>,
    /// Arguments that are a bare name, by (call index, argument index), to resolve to a
    /// constant after the walk.
    argument_names: Vec<((usize, usize), RefId)>,
    ctx: Context,
    frames: Vec<Frame>,
    pending_decorators: Option<PendingDecorators>,
    /// The statement the latest assignment belongs to.
    statement_span: Span,
    /// The call that makes up the current expression statement, by node id.
    statement_call_node: Option<usize>,
    /// The call operand of the latest `await`, by node id.
    awaited_call_node: Option<usize>,
    /// Spare cursors and child buffers, so helpers that list children allocate rarely.
    spare_cursor: Option<TreeCursor<'a>>,
    spare_buffers: Vec<Vec<Node<'a>>>,
}

impl<'a> Builder<'a> {
    fn new(text: &'a str, tree: &'a Tree) -> Self {
        let scopes = vec![Scope {
            kind: ScopeKind::Module,
            parent: None,
            globals: Vec::new(),
        }];
        Builder {
            g: grammar(),
            tables: Tables {
                text,
                scopes,
                bindings: Vec::new(),
                bindings_by_name: HashMap::default(),
                instance_attributes: HashMap::default(),
                references: Vec::new(),
                attribute_spans: Vec::new(),
                call_by_node: HashMap::default(),
                callee_references: Vec::new(),
            },
            calls: Vec::new(),
            dict_entries: Vec::new(),
            parameter_defaults: Vec::new(),
            comparisons: Vec::new(),
            identifiers_in_functions: Vec::new(),
            functions: Vec::new(),
            decorator_sources: Vec::new(),
            assignments: Vec::new(),
            deferred: Vec::new(),
            imports: Vec::new(),
            app_candidates: Vec::new(),
            classes: Vec::new(),
            class_bases: Vec::new(),
            handlers: Vec::new(),
            handler_types: Vec::new(),
            loops: Vec::new(),
            loop_iterables: Vec::new(),
            try_exits: Vec::new(),
            handler_trys: Vec::new(),
            environ_reads: Vec::new(),
            environ_references: Vec::new(),
            argument_names: Vec::new(),
            ctx: Context {
                scope: MODULE_SCOPE,
                function: None,
                in_main_guard: false,
                in_class: false,
                class: None,
                handler: None,
                in_loop: None,
                in_try: None,
                pending: None,
            },
            frames: Vec::new(),
            pending_decorators: None,
            statement_span: Span::default(),
            statement_call_node: None,
            awaited_call_node: None,
            spare_cursor: Some(tree.walk()),
            spare_buffers: Vec::new(),
        }
    }

    fn text_of(&self, node: Node<'a>) -> &'a str {
        self.tables
            .text
            .get(node.start_byte()..node.end_byte())
            .unwrap_or("")
    }

    /// The children of `node` (named only or all), collected with a reused cursor into a
    /// reused buffer; hand the buffer back with `recycle`.
    fn children(&mut self, node: Node<'a>, named_only: bool) -> Vec<Node<'a>> {
        let mut buffer = self.spare_buffers.pop().unwrap_or_default();
        let mut cursor = self.spare_cursor.take().unwrap_or_else(|| node.walk());
        if named_only {
            buffer.extend(node.named_children(&mut cursor));
        } else {
            buffer.extend(node.children(&mut cursor));
        }
        self.spare_cursor = Some(cursor);
        buffer
    }

    fn recycle(&mut self, mut buffer: Vec<Node<'a>>) {
        buffer.clear();
        self.spare_buffers.push(buffer);
    }

    /// One pre-order walk over the whole tree with an explicit cursor (no recursion).
    fn walk(&mut self, tree: &'a Tree) {
        let mut cursor = tree.walk();
        let mut depth: u32 = 0;
        loop {
            let node = cursor.node();
            let field = cursor.field_id().map_or(0, |id| id.get());
            if let Some(pending) = self.ctx.pending
                && pending.depth == depth
                && pending.field == field
            {
                self.ctx.pending = None;
                self.frames.push(Frame {
                    depth,
                    saved: self.ctx,
                });
                match pending.action {
                    PendingAction::EnterScope {
                        scope,
                        function,
                        class,
                    } => {
                        self.ctx.scope = scope;
                        self.ctx.in_class = class.is_some();
                        self.ctx.class = class;
                        // A function body runs when called, not where it is written.
                        if self.ctx.function != function {
                            self.ctx.handler = None;
                            self.ctx.in_loop = None;
                            self.ctx.in_try = None;
                        }
                        self.ctx.function = function;
                    }
                    PendingAction::EnterMainGuard => self.ctx.in_main_guard = true,
                }
            }
            let descend = self.enter(node, depth, field);
            if descend && cursor.goto_first_child() {
                depth += 1;
                continue;
            }
            loop {
                while self.frames.last().is_some_and(|frame| frame.depth == depth) {
                    if let Some(frame) = self.frames.pop() {
                        self.ctx = frame.saved;
                    }
                }
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() {
                    return;
                }
                depth -= 1;
            }
        }
    }

    /// Record what `node` tells; returns whether to walk into its children.
    fn enter(&mut self, node: Node<'a>, depth: u32, field: u16) -> bool {
        let g = self.g;
        let kind = node.kind_id();
        if kind == g.call {
            self.record_call(node);
        } else if kind == g.identifier {
            if self.ctx.function.is_some() {
                self.identifiers_in_functions
                    .push(Span::new(node.start_byte(), node.end_byte()));
            }
            return false;
        } else if kind == g.comment || kind == g.integer || kind == g.float {
            return false;
        } else if kind == g.string {
            // Only f-strings (and t-strings) hold expressions; the children of any other
            // string are its quotes and content, not worth the cursor's time.
            return self
                .text_of(node)
                .bytes()
                .take_while(u8::is_ascii_alphabetic)
                .any(|b| matches!(b, b'f' | b'F' | b't' | b'T'));
        } else if kind == g.expression_statement {
            self.enter_expression_statement(node);
        } else if kind == g.await_ {
            self.awaited_call_node = node
                .named_child(0)
                .map(|operand| self.unparenthesize(operand))
                .filter(|operand| operand.kind_id() == g.call)
                .map(|operand| operand.id());
        } else if kind == g.assignment {
            // The inner `b = 1` of `a = b = 1` was recorded with the outer one.
            if field != g.f_right {
                self.record_assignment(node, false);
            }
        } else if kind == g.augmented_assignment {
            self.record_assignment(node, true);
        } else if kind == g.named_expression {
            if let (Some(name), Some(value)) = (
                node.child_by_field_id(g.f_name),
                node.child_by_field_id(g.f_value),
            ) {
                let binding = self.binding_value_of(value);
                let scope = self.nearest_non_comprehension_scope();
                self.bind(scope, self.text_of(name), node.end_byte(), binding);
            }
        } else if kind == g.as_pattern {
            self.record_as_pattern(node);
        } else if kind == g.for_statement || kind == g.for_in_clause {
            if let Some(left) = node.child_by_field_id(g.f_left) {
                self.bind_pattern_unknown(left, self.ctx.scope, left.end_byte());
            }
            if kind == g.for_statement {
                self.enter_loop(node, depth, LoopKind::For);
            }
        } else if kind == g.while_statement {
            self.enter_loop(node, depth, LoopKind::While);
        } else if kind == g.except_clause || kind == g.except_group_clause {
            self.enter_handler(node, depth);
        } else if kind == g.raise_statement {
            if let Some(handler) = self.ctx.handler {
                self.handlers[handler.0].body_reraises = true;
            }
        } else if kind == g.break_statement || kind == g.return_statement {
            if let Some(handler) = self.ctx.handler {
                self.handlers[handler.0].body_exits = true;
            } else if let Some(index) = self.ctx.in_try {
                self.try_exits[index] = true;
            }
        } else if kind == g.subscript && field != g.f_left {
            self.record_environ_read(node);
        } else if kind == g.try_statement {
            let mut next = self.ctx.in_loop;
            while let Some(id) = next {
                self.loops[id.0].has_try_in_body = true;
                next = self.loops[id.0].parent;
            }
            self.frames.push(Frame {
                depth,
                saved: self.ctx,
            });
            self.ctx.in_try = Some(self.try_exits.len());
            self.try_exits.push(false);
        } else if kind == g.function_definition {
            self.enter_function(node, depth, false);
        } else if kind == g.lambda {
            self.enter_function(node, depth, true);
        } else if kind == g.class_definition {
            self.enter_class(node, depth);
        } else if kind == g.decorated_definition {
            self.collect_decorators(node);
        } else if kind == g.list_comprehension
            || kind == g.set_comprehension
            || kind == g.dictionary_comprehension
            || kind == g.generator_expression
        {
            let scope = self.new_scope(ScopeKind::Comprehension, self.ctx.scope);
            self.frames.push(Frame {
                depth,
                saved: self.ctx,
            });
            self.ctx.scope = scope;
        } else if kind == g.if_statement {
            if self.ctx.scope == MODULE_SCOPE
                && node
                    .child_by_field_id(g.f_condition)
                    .is_some_and(|condition| self.is_main_check(condition))
            {
                self.frames.push(Frame {
                    depth,
                    saved: self.ctx,
                });
                self.ctx.pending = Some(Pending {
                    depth: depth + 1,
                    field: g.f_consequence,
                    action: PendingAction::EnterMainGuard,
                });
            }
        } else if kind == g.comparison_operator {
            self.record_comparisons(node);
        } else if kind == g.global_statement {
            self.record_global(node);
        } else if kind == g.import_statement || kind == g.import_from_statement {
            self.record_import(node);
            return false;
        } else if kind == g.future_import_statement {
            return false;
        }
        true
    }

    fn new_scope(&mut self, kind: ScopeKind, parent: ScopeId) -> ScopeId {
        let id = self.tables.scopes.len() as ScopeId;
        self.tables.scopes.push(Scope {
            kind,
            parent: Some(parent),
            globals: Vec::new(),
        });
        id
    }

    fn nearest_non_comprehension_scope(&self) -> ScopeId {
        let mut scope = self.ctx.scope;
        while self.tables.scopes[scope as usize].kind == ScopeKind::Comprehension {
            match self.tables.scopes[scope as usize].parent {
                Some(parent) => scope = parent,
                None => break,
            }
        }
        scope
    }

    fn bind(&mut self, scope: ScopeId, name: &'a str, position: usize, value: BindingValue) {
        if name.is_empty() {
            return;
        }
        let declared = &self.tables.scopes[scope as usize];
        let scope = if declared.kind == ScopeKind::Function && declared.globals.contains(&name) {
            MODULE_SCOPE
        } else {
            scope
        };
        let id = self.tables.bindings.len() as u32;
        self.tables.bindings.push(Binding {
            position,
            scope,
            value,
        });
        self.tables
            .bindings_by_name
            .entry((scope, name))
            .or_default()
            .push(id);
    }

    /// Bind every name in an assignment target pattern (`a`, `a, b`, `[a, *b]`) to an
    /// unknown value; attributes and subscripts bind nothing.
    fn bind_pattern_unknown(&mut self, pattern: Node<'a>, scope: ScopeId, position: usize) {
        let g = self.g;
        let mut stack = vec![pattern];
        let mut visited = 0;
        while let Some(node) = stack.pop() {
            visited += 1;
            if visited > MAX_PATTERN_NODES {
                break;
            }
            let kind = node.kind_id();
            if kind == g.identifier {
                let name = self.text_of(node);
                self.bind(scope, name, position, BindingValue::Unknown);
            } else if kind == g.attribute || kind == g.subscript || kind == g.comment {
                // Not a name binding.
            } else {
                let children = self.children(node, true);
                stack.extend(children.iter().copied());
                self.recycle(children);
            }
        }
    }

    fn unparenthesize(&self, mut node: Node<'a>) -> Node<'a> {
        while node.kind_id() == self.g.parenthesized_expression && node.named_child_count() == 1 {
            match node.named_child(0) {
                Some(inner) => node = inner,
                None => break,
            }
        }
        node
    }

    /// Record the name or attribute chain `expression` (`r.get`, `Session().get`) as a
    /// reference to resolve after the walk.
    fn reference(&mut self, expression: Node<'a>, position: usize) -> RefId {
        let g = self.g;
        let attributes_start = self.tables.attribute_spans.len();
        let mut current = expression;
        let base = loop {
            let kind = current.kind_id();
            if kind == g.identifier {
                break RefBase::Name(Span::new(current.start_byte(), current.end_byte()));
            } else if kind == g.call {
                break RefBase::CallNode(current.id());
            } else if kind == g.attribute {
                match (
                    current.child_by_field_id(g.f_object),
                    current.child_by_field_id(g.f_attribute),
                ) {
                    (Some(object), Some(attribute)) => {
                        self.tables
                            .attribute_spans
                            .push(Span::new(attribute.start_byte(), attribute.end_byte()));
                        current = object;
                    }
                    _ => break RefBase::Unresolvable,
                }
            } else if kind == g.parenthesized_expression && current.named_child_count() == 1 {
                match current.named_child(0) {
                    Some(inner) => current = inner,
                    None => break RefBase::Unresolvable,
                }
            } else if let Some(left) = self.path_join_left(current) {
                // `base / "name"` joins paths: the result has the type of `base`.
                current = left;
            } else {
                break RefBase::Unresolvable;
            }
        };
        if matches!(base, RefBase::Unresolvable) {
            self.tables.attribute_spans.truncate(attributes_start);
        }
        self.tables.attribute_spans[attributes_start..].reverse();
        let id = self.tables.references.len() as RefId;
        self.tables.references.push(Reference {
            scope: self.ctx.scope,
            position,
            base,
            attributes_start: attributes_start as u32,
            attributes_len: (self.tables.attribute_spans.len() - attributes_start) as u32,
        });
        id
    }

    /// The left operand of `left / right`: a path join (`pathlib.Path`'s `/`) keeps the
    /// left operand's type, which is what lets `(base / "x").read_text()` resolve.
    fn path_join_left(&self, node: Node<'a>) -> Option<Node<'a>> {
        let g = self.g;
        if node.kind_id() != g.binary_operator {
            return None;
        }
        let operator = node.child_by_field_id(g.f_operator)?;
        if operator.kind_id() != g.slash {
            return None;
        }
        node.child_by_field_id(g.f_left)
    }

    /// The call of `x or make()`, the value a name holds when `x` is not given.
    fn or_call(&self, node: Node<'a>) -> Option<Node<'a>> {
        let g = self.g;
        if node.kind_id() != g.boolean_operator {
            return None;
        }
        let operator = node.child_by_field_id(g.f_operator)?;
        if self.text_of(operator) != "or" {
            return None;
        }
        let right = self.unparenthesize(node.child_by_field_id(g.f_right)?);
        (right.kind_id() == g.call).then_some(right)
    }

    /// What a name bound to `value` holds.
    fn binding_value_of(&mut self, value: Node<'a>) -> BindingValue {
        let g = self.g;
        let value = self.unparenthesize(value);
        let kind = value.kind_id();
        if kind == g.call {
            BindingValue::CallResult(value.id())
        } else if let Some(fallback) = self.or_call(value) {
            // `session or requests.Session()`: a session passed in or a new one.
            BindingValue::CallResult(fallback.id())
        } else if kind == g.identifier
            || kind == g.attribute
            || self.path_join_left(value).is_some()
        {
            BindingValue::Alias(self.reference(value, value.start_byte()))
        } else {
            BindingValue::Unknown
        }
    }

    fn enter_expression_statement(&mut self, node: Node<'a>) {
        self.statement_span = Span::new(node.start_byte(), node.end_byte());
        self.statement_call_node = None;
        if node.named_child_count() == 1
            && let Some(expression) = node.named_child(0)
        {
            let expression = self.unparenthesize(expression);
            if expression.kind_id() == self.g.call {
                self.statement_call_node = Some(expression.id());
            }
        }
    }

    fn record_call(&mut self, node: Node<'a>) {
        let g = self.g;
        let Some(callee) = node.child_by_field_id(g.f_function) else {
            return;
        };
        let callee_reference = self.reference(callee, node.start_byte());
        let mut call = Call {
            span: Span::new(node.start_byte(), node.end_byte()),
            callee_span: Span::new(callee.start_byte(), callee.end_byte()),
            callee_text: self.text_of(callee).to_owned(),
            qualname: None,
            arguments: Vec::new(),
            has_star_args: false,
            has_star_kwargs: false,
            function: self.ctx.function,
            in_main_guard: self.ctx.in_main_guard,
            in_class: self.ctx.in_class,
            is_expression_statement: self.statement_call_node == Some(node.id()),
            awaited: self.awaited_call_node == Some(node.id()),
            handler: self.ctx.handler,
            in_loop: self.ctx.in_loop,
        };
        if let Some(arguments) = node.child_by_field_id(g.f_arguments) {
            if arguments.kind_id() == g.generator_expression {
                // `f(x for x in y)`: one positional argument.
                let span = Span::new(arguments.start_byte(), arguments.end_byte());
                call.arguments.push(Argument {
                    kind: ArgumentKind::Positional,
                    keyword: None,
                    keyword_span: None,
                    value: Literal::Other,
                    value_span: span,
                    span,
                    constant: None,
                });
            } else {
                let children = self.children(arguments, true);
                call.arguments.reserve(children.len());
                for &argument in &children {
                    if let Some((parsed, name)) = self.argument(argument) {
                        match parsed.kind {
                            ArgumentKind::ListSplat => call.has_star_args = true,
                            ArgumentKind::DictSplat => call.has_star_kwargs = true,
                            _ => {}
                        }
                        // A bare name may stand for a constant, found after the walk.
                        if let Some(name) = name {
                            let reference = self.reference(name, node.start_byte());
                            let index = (self.calls.len(), call.arguments.len());
                            self.argument_names.push((index, reference));
                        }
                        call.arguments.push(parsed);
                    }
                }
                self.recycle(children);
            }
        }
        let id = CallId(self.calls.len());
        self.tables.call_by_node.insert(node.id(), id);
        self.tables.callee_references.push(callee_reference);
        self.calls.push(call);
    }

    /// An argument, and its value node when that is a bare name.
    fn argument(&mut self, node: Node<'a>) -> Option<(Argument, Option<Node<'a>>)> {
        let g = self.g;
        let bare_name = |this: &Self, value: Node<'a>| {
            let value = this.unparenthesize(value);
            (value.kind_id() == g.identifier).then_some(value)
        };
        let kind = node.kind_id();
        let span = Span::new(node.start_byte(), node.end_byte());
        if kind == g.comment {
            return None;
        }
        if kind == g.keyword_argument {
            let name = node.child_by_field_id(g.f_name)?;
            let value = node.child_by_field_id(g.f_value)?;
            let argument = Argument {
                kind: ArgumentKind::Keyword,
                keyword: Some(self.text_of(name).to_owned()),
                keyword_span: Some(Span::new(name.start_byte(), name.end_byte())),
                value: self.literal(value, 0),
                value_span: Span::new(value.start_byte(), value.end_byte()),
                span,
                constant: None,
            };
            return Some((argument, bare_name(self, value)));
        }
        let splat = if kind == g.list_splat || kind == g.parenthesized_list_splat {
            Some(ArgumentKind::ListSplat)
        } else if kind == g.dictionary_splat {
            Some(ArgumentKind::DictSplat)
        } else {
            None
        };
        if let Some(splat_kind) = splat {
            let inner = node.named_child(0).unwrap_or(node);
            let argument = Argument {
                kind: splat_kind,
                keyword: None,
                keyword_span: None,
                value: Literal::Other,
                value_span: Span::new(inner.start_byte(), inner.end_byte()),
                span,
                constant: None,
            };
            return Some((argument, None));
        }
        let argument = Argument {
            kind: ArgumentKind::Positional,
            keyword: None,
            keyword_span: None,
            value: self.literal(node, 0),
            value_span: span,
            span,
            constant: None,
        };
        Some((argument, bare_name(self, node)))
    }

    /// The literal value of an expression node.
    fn literal(&mut self, node: Node<'a>, depth: u32) -> Literal {
        let g = self.g;
        let node = self.unparenthesize(node);
        let kind = node.kind_id();
        if kind == g.true_ {
            Literal::Bool(true)
        } else if kind == g.false_ {
            Literal::Bool(false)
        } else if kind == g.none {
            Literal::None
        } else if kind == g.integer {
            parse_int(self.text_of(node)).map_or(Literal::Other, Literal::Int)
        } else if kind == g.float {
            parse_float(self.text_of(node)).map_or(Literal::Other, Literal::Float)
        } else if kind == g.string {
            parse_string(self.text_of(node))
        } else if kind == g.unary_operator {
            let operator = node.child_by_field_id(g.f_operator).map(|op| op.kind_id());
            let operand = node
                .child_by_field_id(g.f_argument)
                .map(|operand| self.unparenthesize(operand));
            let Some(operand) = operand else {
                return Literal::Other;
            };
            if operand.kind_id() != g.integer && operand.kind_id() != g.float {
                return Literal::Other;
            }
            match (operator, self.literal(operand, depth)) {
                (Some(op), Literal::Int(value)) if op == g.minus => {
                    value.checked_neg().map_or(Literal::Other, Literal::Int)
                }
                (Some(op), Literal::Float(value)) if op == g.minus => Literal::Float(-value),
                (Some(op), value) if op == g.plus => value,
                _ => Literal::Other,
            }
        } else if (kind == g.list || kind == g.tuple || kind == g.set) && depth < MAX_LITERAL_DEPTH
        {
            let children = self.children(node, true);
            let mut elements = Vec::with_capacity(children.len().min(MAX_LIST_LITERAL));
            let mut too_long = false;
            for &child in &children {
                if child.kind_id() == g.comment {
                    continue;
                }
                if elements.len() == MAX_LIST_LITERAL {
                    too_long = true;
                    break;
                }
                elements.push(self.literal(child, depth + 1));
            }
            self.recycle(children);
            if too_long {
                Literal::Other
            } else {
                Literal::List(elements)
            }
        } else if kind == g.dictionary && depth < MAX_LITERAL_DEPTH {
            let children = self.children(node, true);
            let mut pairs = Vec::with_capacity(children.len().min(MAX_LIST_LITERAL));
            let mut judgeable = true;
            for &child in &children {
                let child_kind = child.kind_id();
                if child_kind == g.comment {
                    continue;
                }
                if child_kind != g.pair || pairs.len() == MAX_LIST_LITERAL {
                    judgeable = false;
                    break;
                }
                let (Some(key), Some(value)) = (
                    child.child_by_field_id(g.f_key),
                    child.child_by_field_id(g.f_value),
                ) else {
                    judgeable = false;
                    break;
                };
                let key_span = Span::new(key.start_byte(), key.end_byte());
                let value_span = Span::new(value.start_byte(), value.end_byte());
                let key = self.literal(key, depth + 1);
                let value = self.literal(value, depth + 1);
                if let Literal::Str(name) = &key {
                    self.dict_entries.push(DictEntry {
                        key: name.clone(),
                        key_span,
                        value: value.clone(),
                        value_span,
                    });
                }
                pairs.push((key, value));
            }
            self.recycle(children);
            if judgeable {
                Literal::Dict(pairs)
            } else {
                Literal::Other
            }
        } else {
            Literal::Other
        }
    }

    fn record_assignment(&mut self, node: Node<'a>, augmented: bool) {
        let g = self.g;
        let position = node.end_byte();
        // Error recovery can leave an assignment outside any expression statement: then the
        // assignment itself is the statement.
        if node.start_byte() < self.statement_span.start
            || node.end_byte() > self.statement_span.end
        {
            self.statement_span = Span::new(node.start_byte(), node.end_byte());
        }
        // Follow `a = b = value` down to the value, collecting the targets.
        let mut targets: [Option<Node<'a>>; 4] = [None; 4];
        let mut target_count = 0;
        let mut extra_targets = Vec::new();
        let mut current = node;
        let value = loop {
            if let Some(left) = current.child_by_field_id(g.f_left) {
                if target_count < targets.len() {
                    targets[target_count] = Some(left);
                    target_count += 1;
                } else {
                    extra_targets.push(left);
                }
            }
            match current.child_by_field_id(g.f_right) {
                Some(right) if right.kind_id() == g.assignment && !augmented => current = right,
                other => break other,
            }
        };
        let all_targets = targets[..target_count]
            .iter()
            .flatten()
            .copied()
            .chain(extra_targets);
        let all_targets: Vec<Node<'a>> = all_targets.collect();
        // `x: T = value` (one target only): the name holds a `T`.
        let annotation = node.child_by_field_id(g.f_type);
        for target in all_targets {
            let target_kind = target.kind_id();
            if target_kind == g.identifier
                || target_kind == g.attribute
                || target_kind == g.subscript
            {
                self.assign_one(target, value, annotation, augmented, position);
                continue;
            }
            // `a, (b, c) = x(), ("y", z)`: each name gets its element where the sides match
            // up (bounded like every pattern walk).
            let Some(value) = value.filter(|_| !augmented) else {
                self.bind_pattern_unknown(target, self.ctx.scope, position);
                continue;
            };
            let mut pending = vec![(target, value)];
            let mut visited = 0;
            while let Some((target, value)) = pending.pop() {
                visited += 1;
                let kind = target.kind_id();
                if kind == g.identifier || kind == g.attribute || kind == g.subscript {
                    self.assign_one(target, Some(value), None, false, position);
                } else if let Some(pairs) = self
                    .matching_elements(target, value)
                    .filter(|_| visited < MAX_PATTERN_NODES)
                {
                    pending.extend(pairs.into_iter().rev());
                } else {
                    self.bind_pattern_unknown(target, self.ctx.scope, position);
                }
            }
        }
    }

    /// One name, attribute or subscript target of an assignment: record it and, for a
    /// name, bind it to what the value (or the annotation) says it holds.
    fn assign_one(
        &mut self,
        target: Node<'a>,
        value: Option<Node<'a>>,
        annotation: Option<Node<'a>>,
        augmented: bool,
        position: usize,
    ) {
        // `x: int` declares without assigning: nothing to record.
        let index = value.and_then(|value| self.push_assignment(target, value, augmented));
        if target.kind_id() == self.g.attribute {
            self.assign_instance_attribute(target, value, annotation, augmented);
            return;
        }
        if target.kind_id() != self.g.identifier {
            return;
        }
        let binding = if !augmented
            && let Some(index) = index.filter(|&i| self.assignments[i].value != Literal::Other)
        {
            BindingValue::Constant(index)
        } else {
            self.assigned_binding(target, value, annotation, augmented)
                .unwrap_or(BindingValue::Unknown)
        };
        self.bind(self.ctx.scope, self.text_of(target), position, binding);
    }

    /// What a name or attribute target holds after the assignment: nothing known after
    /// `+=`, an instance of the annotated type, else what the value is; `None` for a bare
    /// declaration (`x: int`) whose annotation names no type prodlint resolves.
    fn assigned_binding(
        &mut self,
        target: Node<'a>,
        value: Option<Node<'a>>,
        annotation: Option<Node<'a>>,
        augmented: bool,
    ) -> Option<BindingValue> {
        if augmented {
            return Some(BindingValue::Unknown);
        }
        if let Some(reference) =
            annotation.and_then(|a| self.annotation_reference(a, target.start_byte()))
        {
            return Some(BindingValue::Instance(reference));
        }
        value.map(|value| self.binding_value_of(value))
    }

    /// `self.<attribute> = value` in a method (or a function nested in one): what the
    /// class's instances hold in that attribute. Every assignment is kept, so one that
    /// binds something else (`self.session = None` in `close`) makes the attribute unknown.
    fn assign_instance_attribute(
        &mut self,
        target: Node<'a>,
        value: Option<Node<'a>>,
        annotation: Option<Node<'a>>,
        augmented: bool,
    ) {
        let g = self.g;
        let (Some(object), Some(attribute)) = (
            target.child_by_field_id(g.f_object),
            target.child_by_field_id(g.f_attribute),
        ) else {
            return;
        };
        if object.kind_id() != g.identifier || self.text_of(object) != "self" {
            return;
        }
        let Some(class) = method_class_scope(&self.tables.scopes, self.ctx.scope) else {
            return;
        };
        let Some(binding) = self.assigned_binding(target, value, annotation, augmented) else {
            return;
        };
        let name = self.text_of(attribute);
        self.tables
            .instance_attributes
            .entry((class, name))
            .or_default()
            .push(binding);
    }

    /// The element pairs of `a, (b, c) = x, (y, z)`-style assignments: a tuple or list
    /// pattern and a tuple/list display of the same length, without starred elements.
    fn matching_elements(
        &mut self,
        target: Node<'a>,
        value: Node<'a>,
    ) -> Option<Vec<(Node<'a>, Node<'a>)>> {
        let g = self.g;
        let target = self.unparenthesize(target);
        let value = self.unparenthesize(value);
        let is_sequence = |kind| {
            kind == g.tuple_pattern
                || kind == g.list_pattern
                || kind == g.pattern_list
                || kind == g.tuple
                || kind == g.list
                || kind == g.expression_list
        };
        if !is_sequence(target.kind_id()) || !is_sequence(value.kind_id()) {
            return None;
        }
        let elements = |this: &mut Self, node: Node<'a>| {
            let children = this.children(node, true);
            let elements: Vec<Node<'a>> = children
                .iter()
                .copied()
                .filter(|c| c.kind_id() != g.comment)
                .collect();
            this.recycle(children);
            elements
        };
        let targets = elements(self, target);
        let values = elements(self, value);
        let starred = |n: &Node<'a>| {
            let kind = n.kind_id();
            kind == g.list_splat
                || kind == g.parenthesized_list_splat
                || kind == g.list_splat_pattern
        };
        if targets.len() != values.len()
            || targets.is_empty()
            || targets.iter().chain(&values).any(starred)
        {
            return None;
        }
        Some(targets.into_iter().zip(values).collect())
    }

    /// Record an assignment to a name, attribute or subscript; its index, unless the target
    /// is malformed.
    fn push_assignment(
        &mut self,
        target: Node<'a>,
        value: Node<'a>,
        augmented: bool,
    ) -> Option<usize> {
        let g = self.g;
        let index = self.assignments.len();
        let target_kind = target.kind_id();
        let assign_target = if target_kind == g.identifier {
            AssignTarget::Name(self.text_of(target).to_owned())
        } else if target_kind == g.attribute {
            let (Some(object), Some(attribute)) = (
                target.child_by_field_id(g.f_object),
                target.child_by_field_id(g.f_attribute),
            ) else {
                return None;
            };
            let reference = self.reference(object, object.start_byte());
            self.deferred.push(Deferred::AssignmentObject {
                assignment: index,
                reference,
            });
            AssignTarget::Attribute {
                object_qualname: None,
                object_text: self.text_of(object).to_owned(),
                attr: self.text_of(attribute).to_owned(),
            }
        } else {
            let object = target.child_by_field_id(g.f_value)?;
            let key = target
                .child_by_field_id(g.f_subscript)
                .map_or(Literal::Other, |key| self.literal(key, 0));
            let reference = self.reference(object, object.start_byte());
            self.deferred.push(Deferred::AssignmentObject {
                assignment: index,
                reference,
            });
            AssignTarget::Subscript {
                object_qualname: None,
                object_text: self.text_of(object).to_owned(),
                key,
            }
        };
        let unwrapped = self.unparenthesize(value);
        if unwrapped.kind_id() == g.call {
            self.deferred.push(Deferred::AssignmentValueCall {
                assignment: index,
                node: unwrapped.id(),
            });
            if target_kind == g.identifier && !augmented {
                self.app_candidates.push(AppCandidate {
                    name_span: Span::new(target.start_byte(), target.end_byte()),
                    call_node: unwrapped.id(),
                    span: self.statement_span,
                    function: self.ctx.function,
                });
            }
        }
        let value_literal = self.literal(value, 0);
        self.assignments.push(Assignment {
            target: assign_target,
            target_span: Span::new(target.start_byte(), target.end_byte()),
            value: value_literal,
            value_span: Span::new(value.start_byte(), value.end_byte()),
            value_call: None,
            span: self.statement_span,
            augmented,
            function: self.ctx.function,
            in_class: self.ctx.in_class,
            in_main_guard: self.ctx.in_main_guard,
        });
        Some(index)
    }

    /// `with X() as name`, `except E as name`, `case ... as name`: the alias holds the value.
    fn record_as_pattern(&mut self, node: Node<'a>) {
        let g = self.g;
        let Some(alias) = node.child_by_field_id(g.f_alias) else {
            return;
        };
        let position = node.end_byte();
        let target = alias.named_child(0).unwrap_or(alias);
        if target.kind_id() == g.identifier {
            let binding = match node.named_child(0) {
                Some(value) if value.id() != alias.id() => self.binding_value_of(value),
                _ => BindingValue::Unknown,
            };
            self.bind(self.ctx.scope, self.text_of(target), position, binding);
        } else {
            self.bind_pattern_unknown(alias, self.ctx.scope, position);
        }
    }

    fn enter_function(&mut self, node: Node<'a>, depth: u32, is_lambda: bool) {
        let g = self.g;
        let name_node = if is_lambda {
            None
        } else {
            node.child_by_field_id(g.f_name)
        };
        let (name, name_span) = match name_node {
            Some(name) => (
                self.text_of(name),
                Span::new(name.start_byte(), name.end_byte()),
            ),
            None if is_lambda => {
                let keyword = node.child(0).unwrap_or(node);
                (
                    "<lambda>",
                    Span::new(keyword.start_byte(), keyword.end_byte()),
                )
            }
            None => ("", Span::point(node.start_byte())),
        };
        if !is_lambda {
            self.bind(self.ctx.scope, name, node.end_byte(), BindingValue::Unknown);
        }
        let id = FunctionId(self.functions.len());
        let mut decorators = Vec::new();
        if let Some(pending) = self.pending_decorators.take() {
            if pending.definition_node == node.id() {
                for (index, (decorator, source)) in pending.decorators.into_iter().enumerate() {
                    decorators.push(decorator);
                    self.decorator_sources.push((id, index, source));
                }
            } else {
                self.pending_decorators = Some(pending);
            }
        }
        let is_async = !is_lambda
            && node
                .child(0)
                .is_some_and(|first| first.kind_id() == g.async_keyword);
        let body_is_trivial = !is_lambda
            && node
                .child_by_field_id(g.f_body)
                .is_some_and(|body| self.is_trivial_block(body, true));
        self.functions.push(Function {
            name: name.to_owned(),
            name_span,
            span: Span::new(node.start_byte(), node.end_byte()),
            is_async,
            is_lambda,
            is_method: self.ctx.in_class,
            parent: self.ctx.function,
            decorators,
            class: self.ctx.class.filter(|_| self.ctx.in_class),
            body_is_trivial,
        });
        let scope = self.new_scope(ScopeKind::Function, self.ctx.scope);
        if let Some(parameters) = node.child_by_field_id(g.f_parameters) {
            self.bind_parameters(parameters, scope, node.start_byte());
        }
        self.frames.push(Frame {
            depth,
            saved: self.ctx,
        });
        self.ctx.pending = Some(Pending {
            depth: depth + 1,
            field: g.f_body,
            action: PendingAction::EnterScope {
                scope,
                function: Some(id),
                class: None,
            },
        });
    }

    /// `x.environ[key]` (read, not assigned): recorded for rules about configuration.
    fn record_environ_read(&mut self, node: Node<'a>) {
        let g = self.g;
        let Some(object) = node.child_by_field_id(g.f_value) else {
            return;
        };
        let object = self.unparenthesize(object);
        let last = if object.kind_id() == g.attribute {
            object.child_by_field_id(g.f_attribute)
        } else if object.kind_id() == g.identifier {
            Some(object)
        } else {
            None
        };
        if last.is_none_or(|name| self.text_of(name) != "environ") {
            return;
        }
        let key = node
            .child_by_field_id(g.f_subscript)
            .map_or(Literal::Other, |key| self.literal(key, 0));
        let reference = self.reference(object, node.start_byte());
        self.environ_references.push(reference);
        self.environ_reads.push(EnvironRead {
            span: Span::new(node.start_byte(), node.end_byte()),
            object_qualname: None,
            key,
            function: self.ctx.function,
        });
    }

    fn enter_loop(&mut self, node: Node<'a>, depth: u32, kind: LoopKind) {
        let g = self.g;
        let id = LoopId(self.loops.len());
        let is_while_true = kind == LoopKind::While
            && node.child_by_field_id(g.f_condition).is_some_and(|c| {
                let c = self.unparenthesize(c);
                c.kind_id() == g.true_
                    || (c.kind_id() == g.integer
                        && parse_int(self.text_of(c)).is_some_and(|v| v != 0))
            });
        let keyword = (0..node.child_count().min(2))
            .filter_map(|i| node.child(i))
            .find(|child| child.kind_id() != g.async_keyword)
            .unwrap_or(node);
        let body_span = node
            .child_by_field_id(g.f_body)
            .map_or(Span::point(node.end_byte()), |b| {
                Span::new(b.start_byte(), b.end_byte())
            });
        self.loops.push(Loop {
            kind,
            is_while_true,
            span: Span::new(node.start_byte(), node.end_byte()),
            keyword_span: Span::new(keyword.start_byte(), keyword.end_byte()),
            body_span,
            calls: Vec::new(),
            has_try_in_body: false,
            handlers: Vec::new(),
            function: self.ctx.function,
            parent: self.ctx.in_loop,
            iterable_call: None,
        });
        if kind == LoopKind::For
            && let Some(right) = node.child_by_field_id(g.f_right)
        {
            let right = self.unparenthesize(right);
            if right.kind_id() == g.call {
                self.loop_iterables.push((id, right.id()));
            }
        }
        self.frames.push(Frame {
            depth,
            saved: self.ctx,
        });
        self.ctx.in_loop = Some(id);
    }

    fn enter_handler(&mut self, node: Node<'a>, depth: u32) {
        let g = self.g;
        let id = HandlerId(self.handlers.len());
        let mut values = self.spare_buffers.pop().unwrap_or_default();
        let mut alias = None;
        let mut body = None;
        let mut keyword = None;
        let mut cursor = self.spare_cursor.take().unwrap_or_else(|| node.walk());
        cursor.reset(node);
        if cursor.goto_first_child() {
            loop {
                let child = cursor.node();
                let field = cursor.field_id().map_or(0, |f| f.get());
                if keyword.is_none() {
                    keyword = Some(child);
                }
                if child.kind_id() == g.as_pattern {
                    // `except E as name`: one pattern.
                    if let Some(value) = child.named_child(0) {
                        values.push(value);
                    }
                    alias = child
                        .child_by_field_id(g.f_alias)
                        .map(|a| a.named_child(0).unwrap_or(a));
                } else if field == g.f_value {
                    values.push(child);
                } else if field == g.f_alias {
                    alias = Some(child);
                } else if child.kind_id() == g.block {
                    body = Some(child);
                } else if child.is_named()
                    && child.kind_id() != g.comment
                    && body.is_none()
                    && field == 0
                {
                    values.push(child);
                }
                if !cursor.goto_next_sibling() {
                    break;
                }
            }
        }
        self.spare_cursor = Some(cursor);
        let mut type_nodes = Vec::new();
        for &value in &values {
            let value = self.unparenthesize(value);
            if value.kind_id() == g.tuple || value.kind_id() == g.parenthesized_expression {
                let children = self.children(value, true);
                type_nodes.extend(
                    children
                        .iter()
                        .copied()
                        .filter(|c| c.kind_id() != g.comment),
                );
                self.recycle(children);
            } else {
                type_nodes.push(value);
            }
        }
        self.recycle(values);
        let types = if type_nodes.is_empty() {
            None
        } else {
            let mut types = Vec::with_capacity(type_nodes.len());
            for &type_node in &type_nodes {
                let kind = type_node.kind_id();
                if kind == g.identifier || kind == g.attribute {
                    let reference = self.reference(type_node, node.start_byte());
                    self.handler_types.push((id, types.len(), reference));
                }
                types.push(self.text_of(type_node).to_owned());
            }
            Some(types)
        };
        let binds_name = alias
            .filter(|a| a.kind_id() == g.identifier)
            .map(|a| self.text_of(a).to_owned());
        if let Some(alias) = alias {
            self.bind_pattern_unknown(alias, self.ctx.scope, alias.end_byte());
        }
        let body_is_trivial = body.is_some_and(|body| self.is_trivial_block(body, false));
        let trivial = body
            .filter(|_| body_is_trivial)
            .and_then(|body| self.first_statement_kind(body));
        let line = node.start_position().row;
        let explained = self.has_explanation_below(node, line)
            || body.is_some_and(|b| self.has_explanation_below(b, line));
        let try_statement = node.parent().filter(|p| p.kind_id() == g.try_statement);
        let fallback_read_after = try_statement.is_some_and(|t| self.fallback_read_after(t));
        let try_ends_function = try_statement.is_some_and(|t| self.ends_function(t));
        let keyword = keyword.unwrap_or(node);
        let function = self.ctx.function;
        self.handlers.push(ExceptHandler {
            span: Span::new(node.start_byte(), node.end_byte()),
            keyword_span: Span::new(keyword.start_byte(), keyword.end_byte()),
            types,
            binds_name,
            body_span: body.map_or(Span::point(node.end_byte()), |b| {
                Span::new(b.start_byte(), b.end_byte())
            }),
            body_is_trivial,
            trivial,
            explained,
            fallback_read_after,
            try_ends_function,
            body_reraises: false,
            body_calls: Vec::new(),
            body_exits: false,
            try_exits: false,
            function,
            in_async: function.is_some_and(|f| self.functions[f.0].is_async),
            parent: self.ctx.handler,
            in_loop: self.ctx.in_loop,
        });
        self.handler_trys.push(self.ctx.in_try);
        self.frames.push(Frame {
            depth,
            saved: self.ctx,
        });
        self.ctx.handler = Some(id);
        self.ctx.in_try = None;
    }

    /// What the first statement of a trivial block does.
    fn first_statement_kind(&self, body: Node<'a>) -> Option<TrivialBody> {
        let g = self.g;
        let mut cursor = body.walk();
        let first = body
            .named_children(&mut cursor)
            .find(|c| c.kind_id() != g.comment)?;
        let kind = first.kind_id();
        Some(if kind == g.continue_statement {
            TrivialBody::Continue
        } else if kind == g.return_statement {
            TrivialBody::Return
        } else {
            TrivialBody::Pass
        })
    }

    /// An explaining comment among `node`'s children on a line below `line` (a trailing
    /// comment on the `except` line is more often a tool's directive than a reason).
    fn has_explanation_below(&self, node: Node<'a>, line: usize) -> bool {
        let mut cursor = node.walk();
        node.children(&mut cursor).any(|c| {
            c.kind_id() == self.g.comment
                && c.start_position().row > line
                && explains(self.text_of(c))
        })
    }

    /// The statement after `statement` in its block, comments skipped; for the last
    /// statement of an `if`/`else` branch, the statement after that `if`.
    fn statement_after(&self, statement: Node<'a>) -> Option<Node<'a>> {
        let g = self.g;
        let mut next = statement.next_named_sibling();
        while let Some(n) = next
            && n.kind_id() == g.comment
        {
            next = n.next_named_sibling();
        }
        if next.is_some() {
            return next;
        }
        let block = statement.parent().filter(|p| p.kind_id() == g.block)?;
        let mut owner = block.parent()?;
        // `else:` / `elif` branches sit in a clause of the `if` statement.
        if owner.kind_id() != g.if_statement {
            owner = owner.parent().filter(|p| p.kind_id() == g.if_statement)?;
        }
        self.statement_after(owner)
    }

    /// `Builder::fallback_read_after` for the `try` statement `try_statement`.
    fn fallback_read_after(&self, try_statement: Node<'a>) -> bool {
        let g = self.g;
        let Some(body) = try_statement.child_by_field_id(g.f_body) else {
            return false;
        };
        // Names the body assigns, also inside its `if`/`with`/`for` blocks (`if value is
        // not None: value = value.replace(...)`), not inside functions it defines.
        let mut bound: Vec<&str> = Vec::new();
        let mut blocks = vec![body];
        let mut seen = 0;
        while let Some(block) = blocks.pop() {
            let mut cursor = block.walk();
            for statement in block.named_children(&mut cursor) {
                seen += 1;
                if seen > 2_000 {
                    return false;
                }
                let kind = statement.kind_id();
                if kind == g.expression_statement {
                    let left = statement
                        .named_child(0)
                        .filter(|a| a.kind_id() == g.assignment)
                        .and_then(|a| a.child_by_field_id(g.f_left))
                        .filter(|left| left.kind_id() == g.identifier);
                    bound.extend(left.map(|left| self.text_of(left)));
                } else if kind != g.function_definition
                    && kind != g.class_definition
                    && kind != g.decorated_definition
                {
                    let mut inner = statement.walk();
                    blocks.extend(
                        statement
                            .named_children(&mut inner)
                            .filter(|c| c.kind_id() == g.block),
                    );
                }
            }
        }
        if bound.is_empty() {
            return false;
        }
        let Some(mut next) = self.statement_after(try_statement) else {
            return false;
        };
        // Another `try` reads the fallback in its body's first statement.
        if next.kind_id() == g.try_statement {
            let Some(first) = next
                .child_by_field_id(g.f_body)
                .and_then(|b| b.named_child(0))
            else {
                return false;
            };
            next = first;
        }
        // A compound statement is read at its header: `if lang:`, `while x:`, `for a in x:`.
        let read = next
            .child_by_field_id(g.f_condition)
            .or_else(|| {
                (next.kind_id() == g.for_statement)
                    .then(|| next.child_by_field_id(g.f_right))
                    .flatten()
            })
            .unwrap_or(next);
        if read.kind_id() == g.block {
            return false;
        }
        let mut stack = vec![read];
        let mut seen = 0;
        while let Some(n) = stack.pop() {
            seen += 1;
            if seen > 2_000 {
                return false;
            }
            if n.kind_id() == g.identifier && bound.contains(&self.text_of(n)) {
                return true;
            }
            // Only the header of a compound statement, not its body.
            let mut cursor = n.walk();
            stack.extend(
                n.named_children(&mut cursor)
                    .filter(|c| c.kind_id() != g.block),
            );
        }
        false
    }

    /// `Builder::try_ends_function` for the `try` statement `try_statement`.
    fn ends_function(&self, try_statement: Node<'a>) -> bool {
        let g = self.g;
        let in_function_body = try_statement
            .parent()
            .filter(|b| b.kind_id() == g.block)
            .and_then(|b| b.parent())
            .is_some_and(|f| f.kind_id() == g.function_definition);
        if !in_function_body {
            return false;
        }
        let mut next = try_statement.next_named_sibling();
        while let Some(statement) = next {
            let kind = statement.kind_id();
            if kind != g.comment {
                if kind != g.return_statement {
                    return false;
                }
                let mut stack = vec![statement];
                while let Some(n) = stack.pop() {
                    if n.kind_id() == g.await_ || n.kind_id() == g.call {
                        return false;
                    }
                    let mut cursor = n.walk();
                    stack.extend(n.named_children(&mut cursor));
                }
            }
            next = statement.next_named_sibling();
        }
        true
    }

    /// A block made only of `pass`, `...`, `continue` and bare `return` statements (and,
    /// with `docstring`, a leading string: a function's documentation).
    fn is_trivial_block(&mut self, body: Node<'a>, docstring: bool) -> bool {
        let g = self.g;
        let children = self.children(body, true);
        let mut statements = 0;
        let mut trivial = true;
        for &statement in &children {
            let kind = statement.kind_id();
            if kind == g.comment {
                continue;
            }
            statements += 1;
            let is_docstring = docstring
                && statements == 1
                && kind == g.expression_statement
                && statement.named_child_count() == 1
                && statement
                    .named_child(0)
                    .is_some_and(|e| e.kind_id() == g.string);
            let ok = is_docstring
                || kind == g.pass_statement
                || kind == g.continue_statement
                || (kind == g.return_statement
                    && (0..statement.named_child_count() as u32)
                        .filter_map(|i| statement.named_child(i))
                        .all(|c| c.kind_id() == g.comment))
                || (kind == g.expression_statement
                    && statement.named_child_count() == 1
                    && statement
                        .named_child(0)
                        .is_some_and(|e| e.kind_id() == g.ellipsis));
            if !ok {
                trivial = false;
                break;
            }
        }
        self.recycle(children);
        trivial && statements > 0
    }

    fn bind_parameters(&mut self, parameters: Node<'a>, scope: ScopeId, position: usize) {
        let g = self.g;
        let children = self.children(parameters, true);
        for &parameter in &children {
            let kind = parameter.kind_id();
            let pattern = if kind == g.default_parameter || kind == g.typed_default_parameter {
                let name = parameter.child_by_field_id(g.f_name);
                let value = parameter.child_by_field_id(g.f_value);
                if let (Some(name), Some(value)) = (name, value)
                    && name.kind_id() == g.identifier
                    && let Some(function) = self.functions.len().checked_sub(1)
                {
                    let literal = self.literal(value, 0);
                    self.parameter_defaults.push(ParameterDefault {
                        function: FunctionId(function),
                        name: self.text_of(name).to_owned(),
                        value: literal,
                        value_span: Span::new(value.start_byte(), value.end_byte()),
                    });
                }
                name
            } else if kind == g.typed_parameter {
                // The first child is the name (or `*name`); the rest is the annotation.
                parameter.named_child(0)
            } else {
                Some(parameter)
            };
            let Some(pattern) = pattern else {
                continue;
            };
            // `client: httpx.Client` (or `Client | None`, `Optional[Client]`): the name
            // holds an instance of that type. The annotation is evaluated around the
            // function, where the walk still is.
            let instance = if pattern.kind_id() == g.identifier {
                parameter
                    .child_by_field_id(g.f_type)
                    .and_then(|annotation| self.annotation_reference(annotation, position))
            } else {
                None
            };
            match instance {
                Some(reference) => {
                    let name = self.text_of(pattern);
                    self.bind(scope, name, position, BindingValue::Instance(reference));
                }
                None => self.bind_pattern_unknown(pattern, scope, position),
            }
        }
        self.recycle(children);
    }

    /// The type an annotation names, as a reference to resolve: `Path`, `httpx.Client`,
    /// and the one type of an optional (`Client | None`, `Optional[Client]`,
    /// `Union[Client, None]`, `Annotated[Client, ...]`). `None` for anything else (unions
    /// of several types, string annotations, generics of other kinds).
    fn annotation_reference(&mut self, annotation: Node<'a>, position: usize) -> Option<RefId> {
        let g = self.g;
        let mut node = annotation;
        // Each step goes one level into the annotation, so the loop ends.
        loop {
            let kind = node.kind_id();
            if kind == g.type_ || kind == g.type_parameter && node.named_child_count() == 1 {
                node = node.named_child(0)?;
            } else if kind == g.parenthesized_expression {
                node = self.unparenthesize(node);
                if node.kind_id() == g.parenthesized_expression {
                    return None;
                }
            } else if kind == g.identifier || kind == g.attribute {
                return Some(self.reference(node, position));
            } else if kind == g.binary_operator || kind == g.union_type {
                // `X | None`: the side that is not `None`.
                let (left, right) = if kind == g.binary_operator {
                    let operator = node.child_by_field_id(g.f_operator)?;
                    if operator.kind_id() != g.pipe {
                        return None;
                    }
                    (
                        node.child_by_field_id(g.f_left)?,
                        node.child_by_field_id(g.f_right)?,
                    )
                } else {
                    (node.named_child(0)?, node.named_child(1)?)
                };
                node = match (self.is_none_type(left), self.is_none_type(right)) {
                    (false, true) => left,
                    (true, false) => right,
                    _ => return None,
                };
            } else if kind == g.generic_type || kind == g.subscript {
                // `Optional[X]`, `Union[X, None]`, `Annotated[X, ...]`, `typing.Optional[X]`.
                let (head, parameters): (Node<'a>, Vec<Node<'a>>) = if kind == g.generic_type {
                    let parameters = node.named_child(1)?;
                    (node.named_child(0)?, self.children(parameters, true))
                } else {
                    let field = std::num::NonZeroU16::new(g.f_subscript)?;
                    let mut cursor = node.walk();
                    let types = node.children_by_field_id(field, &mut cursor);
                    (node.child_by_field_id(g.f_value)?, types.collect())
                };
                let head = self.text_of(head);
                let head = head.rsplit('.').next().unwrap_or(head);
                let types: Vec<Node<'a>> = match head {
                    "Optional" => parameters,
                    "Annotated" => parameters.into_iter().take(1).collect(),
                    "Union" => parameters
                        .into_iter()
                        .filter(|t| !self.is_none_type(*t))
                        .collect(),
                    _ => return None,
                };
                let [only] = types.as_slice() else {
                    return None;
                };
                node = *only;
            } else {
                return None;
            }
        }
    }

    /// `None` written as a type (`X | None`, `Union[X, None]`).
    fn is_none_type(&self, node: Node<'a>) -> bool {
        let mut node = node;
        while node.kind_id() == self.g.type_ && node.named_child_count() == 1 {
            match node.named_child(0) {
                Some(inner) => node = inner,
                None => break,
            }
        }
        node.kind_id() == self.g.none
    }

    fn enter_class(&mut self, node: Node<'a>, depth: u32) {
        let g = self.g;
        let class = ClassId(self.classes.len());
        let name_node = node.child_by_field_id(g.f_name);
        if let Some(name) = name_node {
            self.bind(
                self.ctx.scope,
                self.text_of(name),
                node.end_byte(),
                BindingValue::Unknown,
            );
        }
        let mut bases = Vec::new();
        if let Some(superclasses) = node.child_by_field_id(g.f_superclasses) {
            let children = self.children(superclasses, true);
            for &base in &children {
                let kind = base.kind_id();
                if kind == g.identifier || kind == g.attribute {
                    let reference = self.reference(base, node.start_byte());
                    self.class_bases.push((class, bases.len(), reference));
                    bases.push(self.text_of(base).to_owned());
                } else if kind != g.keyword_argument
                    && kind != g.comment
                    && kind != g.list_splat
                    && kind != g.dictionary_splat
                {
                    bases.push(self.text_of(base).to_owned());
                }
            }
            self.recycle(children);
        }
        self.classes.push(Class {
            name: name_node.map_or_else(String::new, |n| self.text_of(n).to_owned()),
            name_span: name_node.map_or(Span::point(node.start_byte()), |n| {
                Span::new(n.start_byte(), n.end_byte())
            }),
            span: Span::new(node.start_byte(), node.end_byte()),
            bases,
            function: self.ctx.function,
        });
        let scope = self.new_scope(ScopeKind::Class, self.ctx.scope);
        self.frames.push(Frame {
            depth,
            saved: self.ctx,
        });
        self.ctx.pending = Some(Pending {
            depth: depth + 1,
            field: g.f_body,
            action: PendingAction::EnterScope {
                scope,
                function: self.ctx.function,
                class: Some(class),
            },
        });
    }

    fn collect_decorators(&mut self, node: Node<'a>) {
        let g = self.g;
        let Some(definition) = node.child_by_field_id(g.f_definition) else {
            return;
        };
        if definition.kind_id() != g.function_definition {
            return;
        }
        let children = self.children(node, true);
        let mut decorators = Vec::new();
        for &child in &children {
            if child.kind_id() != g.decorator {
                continue;
            }
            let Some(expression) = child.named_child(0) else {
                continue;
            };
            let unwrapped = self.unparenthesize(expression);
            let source = if unwrapped.kind_id() == g.call {
                QualnameSource::CallNode(unwrapped.id())
            } else {
                QualnameSource::Reference(self.reference(unwrapped, child.start_byte()))
            };
            decorators.push((
                Decorator {
                    span: Span::new(child.start_byte(), child.end_byte()),
                    text: self.text_of(expression).to_owned(),
                    qualname: None,
                    call: None,
                },
                source,
            ));
        }
        self.recycle(children);
        self.pending_decorators = Some(PendingDecorators {
            definition_node: definition.id(),
            decorators,
        });
    }

    /// `__name__ == "__main__"` in either order and quote style.
    fn is_main_check(&mut self, condition: Node<'a>) -> bool {
        let g = self.g;
        let condition = self.unparenthesize(condition);
        if condition.kind_id() != g.comparison_operator {
            return false;
        }
        let children = self.children(condition, false);
        let is_main = match children.as_slice() {
            [left, operator, right] if operator.kind_id() == g.equals_operator => {
                let is_name = |node: &Node<'a>| {
                    node.kind_id() == g.identifier && self.text_of(*node) == "__name__"
                };
                let is_main = |node: &Node<'a>| {
                    node.kind_id() == g.string
                        && parse_string(self.text_of(*node)).as_str() == Some("__main__")
                };
                (is_name(left) && is_main(right)) || (is_main(left) && is_name(right))
            }
            _ => false,
        };
        self.recycle(children);
        is_main
    }

    /// Each `==`/`!=` of a chain (`a == b != "c"`) between a string literal and something
    /// with a name.
    fn record_comparisons(&mut self, node: Node<'a>) {
        let g = self.g;
        let children = self.children(node, false);
        for window in children.windows(3) {
            let [left, operator, right] = *window else {
                continue;
            };
            let operator = operator.kind_id();
            if operator != g.equals_operator && operator != g.not_equals_operator {
                continue;
            }
            let (named, literal) = if self.unparenthesize(right).kind_id() == g.string {
                (left, right)
            } else {
                (right, left)
            };
            let Literal::Str(value) = self.literal(literal, 0) else {
                continue;
            };
            let named = self.unparenthesize(named);
            let kind = named.kind_id();
            let name = if kind == g.identifier {
                Some(self.text_of(named).to_owned())
            } else if kind == g.attribute {
                named
                    .child_by_field_id(g.f_attribute)
                    .map(|a| self.text_of(a).to_owned())
            } else if kind == g.subscript {
                match named.child_by_field_id(g.f_subscript) {
                    Some(key) if key.kind_id() == g.string => {
                        self.literal(key, 0).as_str().map(str::to_owned)
                    }
                    _ => None,
                }
            } else {
                None
            };
            if let Some(name) = name {
                self.comparisons.push(Comparison {
                    name,
                    name_span: Span::new(named.start_byte(), named.end_byte()),
                    value,
                    value_span: Span::new(literal.start_byte(), literal.end_byte()),
                    function: self.ctx.function,
                });
            }
        }
        self.recycle(children);
    }

    fn record_global(&mut self, node: Node<'a>) {
        let scope = self.ctx.scope as usize;
        if self.tables.scopes[scope].kind != ScopeKind::Function {
            return;
        }
        let children = self.children(node, true);
        for &child in &children {
            if child.kind_id() == self.g.identifier {
                let name = self.text_of(child);
                self.tables.scopes[scope].globals.push(name);
            }
        }
        self.recycle(children);
    }

    fn record_import(&mut self, node: Node<'a>) {
        let g = self.g;
        let statement_span = Span::new(node.start_byte(), node.end_byte());
        let position = node.end_byte();
        let is_from = node.kind_id() == g.import_from_statement;
        let module = if is_from {
            match node.child_by_field_id(g.f_module_name) {
                Some(module) => dotted_text(self.text_of(module)),
                None => return,
            }
        } else {
            String::new()
        };
        let mut cursor = self.spare_cursor.take().unwrap_or_else(|| node.walk());
        let mut items = self.spare_buffers.pop().unwrap_or_default();
        cursor.reset(node);
        if cursor.goto_first_child() {
            loop {
                if cursor.field_id().map_or(0, |id| id.get()) == g.f_name {
                    items.push(cursor.node());
                }
                if !cursor.goto_next_sibling() {
                    break;
                }
            }
        }
        self.spare_cursor = Some(cursor);
        for &item in &items {
            let (name_node, alias_node) = if item.kind_id() == g.aliased_import {
                (
                    item.child_by_field_id(g.f_name),
                    item.child_by_field_id(g.f_alias),
                )
            } else if item.kind_id() == g.dotted_name {
                (Some(item), None)
            } else {
                continue;
            };
            let Some(name_node) = name_node else {
                continue;
            };
            let name = dotted_text(self.text_of(name_node));
            let qualname = if !is_from {
                name.clone()
            } else if module.ends_with('.') {
                format!("{module}{name}")
            } else {
                format!("{module}.{name}")
            };
            // `import a.b` binds `a` (to module `a`); every other form binds the alias or
            // the imported name to the full qualified name.
            let (bound_name, bound_value) = match alias_node {
                Some(alias) => (self.text_of(alias), qualname.clone()),
                None if is_from => (self.text_of(name_node), qualname.clone()),
                None => {
                    let text = self.text_of(name_node);
                    let first = text.split('.').next().unwrap_or(text).trim();
                    (first, first.to_owned())
                }
            };
            self.bind(
                self.ctx.scope,
                bound_name,
                position,
                BindingValue::Import(bound_value),
            );
            self.imports.push(Import {
                qualname,
                bound_name: bound_name.to_owned(),
                span: statement_span,
                item_span: Span::new(item.start_byte(), item.end_byte()),
                function: self.ctx.function,
            });
        }
        self.recycle(items);
    }

    // -----------------------------------------------------------------------------------
    // After the walk
    // -----------------------------------------------------------------------------------

    fn finish(mut self, tree: &Tree) -> Module {
        for list in self.tables.bindings_by_name.values_mut() {
            let bindings = &self.tables.bindings;
            if !list.is_sorted_by_key(|&id| bindings[id as usize].position) {
                list.sort_by_key(|&id| bindings[id as usize].position);
            }
        }
        let mut resolver = Resolver {
            tables: &self.tables,
            call_memo: vec![Memo::Todo; self.calls.len()],
            binding_memo: vec![Memo::Todo; self.tables.bindings.len()],
        };
        for index in 0..self.calls.len() {
            self.calls[index].qualname = resolver.call_qualname(CallId(index), 0);
        }
        for (function, index, source) in std::mem::take(&mut self.decorator_sources) {
            let (qualname, call) = match source {
                QualnameSource::CallNode(node) => {
                    let call = self.tables.call_by_node.get(&node).copied();
                    (call.and_then(|id| self.calls[id.0].qualname.clone()), call)
                }
                QualnameSource::Reference(reference) => {
                    (resolver.reference_qualname(reference, 0), None)
                }
            };
            let decorator = &mut self.functions[function.0].decorators[index];
            decorator.qualname = qualname;
            decorator.call = call;
        }
        for deferred in std::mem::take(&mut self.deferred) {
            match deferred {
                Deferred::AssignmentObject {
                    assignment,
                    reference,
                } => {
                    let resolved = resolver.reference_qualname(reference, 0);
                    match &mut self.assignments[assignment].target {
                        AssignTarget::Attribute {
                            object_qualname, ..
                        }
                        | AssignTarget::Subscript {
                            object_qualname, ..
                        } => *object_qualname = resolved,
                        AssignTarget::Name(_) => {}
                    }
                }
                Deferred::AssignmentValueCall { assignment, node } => {
                    self.assignments[assignment].value_call =
                        self.tables.call_by_node.get(&node).copied();
                }
            }
        }
        for (class, index, reference) in std::mem::take(&mut self.class_bases) {
            if let Some(qualname) = resolver.reference_qualname(reference, 0) {
                self.classes[class.0].bases[index] = qualname;
            }
        }
        for (handler, index, reference) in std::mem::take(&mut self.handler_types) {
            if let Some(qualname) = resolver.reference_qualname(reference, 0)
                && let Some(types) = &mut self.handlers[handler.0].types
            {
                types[index] = qualname;
            }
        }
        for (index, call) in self.calls.iter().enumerate() {
            let mut next = call.handler;
            while let Some(id) = next {
                self.handlers[id.0].body_calls.push(CallId(index));
                next = self.handlers[id.0].parent;
            }
            let mut next = call.in_loop;
            while let Some(id) = next {
                self.loops[id.0].calls.push(CallId(index));
                next = self.loops[id.0].parent;
            }
        }
        for (index, try_index) in self.handler_trys.iter().enumerate() {
            self.handlers[index].try_exits =
                try_index.is_some_and(|t| self.try_exits.get(t).copied().unwrap_or(false));
        }
        for (id, node) in std::mem::take(&mut self.loop_iterables) {
            self.loops[id.0].iterable_call = self.tables.call_by_node.get(&node).copied();
        }
        for (index, reference) in std::mem::take(&mut self.environ_references)
            .into_iter()
            .enumerate()
        {
            self.environ_reads[index].object_qualname = resolver.reference_qualname(reference, 0);
        }
        for ((call, argument), reference) in std::mem::take(&mut self.argument_names) {
            self.calls[call].arguments[argument].constant =
                resolver.constant(reference, &self.assignments);
        }
        for index in 0..self.handlers.len() {
            let mut next = self.handlers[index].in_loop;
            while let Some(id) = next {
                self.loops[id.0].handlers.push(HandlerId(index));
                next = self.loops[id.0].parent;
            }
        }
        let app_objects = self.app_objects();
        let routes = self.routes(&mut resolver);
        let mut calls_by_qualname: HashMap<String, Vec<usize>, FastHash> = HashMap::default();
        for (index, call) in self.calls.iter().enumerate() {
            if let Some(qualname) = &call.qualname {
                match calls_by_qualname.get_mut(qualname.as_str()) {
                    Some(list) => list.push(index),
                    None => {
                        calls_by_qualname.insert(qualname.clone(), vec![index]);
                    }
                }
            }
        }
        Module {
            calls: self.calls,
            functions: self.functions,
            assignments: self.assignments,
            imports: self.imports,
            app_objects,
            routes,
            classes: self.classes,
            handlers: self.handlers,
            loops: self.loops,
            environ_reads: self.environ_reads,
            dict_entries: {
                // A display can be read twice (an argument that is also walked as an
                // expression): keep each entry once.
                let mut entries = self.dict_entries;
                entries.sort_by_key(|e| e.key_span);
                entries.dedup_by_key(|e| e.key_span);
                entries
            },
            parameter_defaults: self.parameter_defaults,
            comparisons: self.comparisons,
            identifiers_in_functions: self.identifiers_in_functions,
            syntax_error: first_syntax_error(tree),
            calls_by_qualname,
        }
    }

    fn app_objects(&self) -> Vec<AppObject> {
        let mut apps = Vec::new();
        for candidate in &self.app_candidates {
            let Some(&call) = self.tables.call_by_node.get(&candidate.call_node) else {
                continue;
            };
            let Some(qualname) = self.calls[call.0].qualname.as_deref() else {
                continue;
            };
            if let Some(&(_, kind)) = APP_CONSTRUCTORS.iter().find(|(name, _)| *name == qualname) {
                apps.push(AppObject {
                    name: self.tables.slice(candidate.name_span).to_owned(),
                    qualname: qualname.to_owned(),
                    kind,
                    span: candidate.span,
                    name_span: candidate.name_span,
                    function: candidate.function,
                });
            }
        }
        apps
    }

    fn routes(&self, resolver: &mut Resolver<'_, 'a>) -> Vec<Route> {
        let mut routes = Vec::new();
        for (index, function) in self.functions.iter().enumerate() {
            for decorator in &function.decorators {
                let (Some(qualname), Some(call_id)) =
                    (decorator.qualname.as_deref(), decorator.call)
                else {
                    continue;
                };
                let Some((receiver, method)) = qualname.rsplit_once('.') else {
                    continue;
                };
                let Some(&(_, prefix_keyword)) =
                    ROUTE_RECEIVERS.iter().find(|(name, _)| *name == receiver)
                else {
                    continue;
                };
                let call = &self.calls[call_id.0];
                let methods = if METHOD_DECORATORS.contains(&method) {
                    vec![method.to_ascii_uppercase()]
                } else if method == "route" || method == "api_route" {
                    match call.keyword("methods").map(|arg| &arg.value) {
                        Some(Literal::List(items)) => items
                            .iter()
                            .filter_map(Literal::as_str)
                            .map(str::to_ascii_uppercase)
                            .collect(),
                        Some(_) => Vec::new(),
                        None => vec!["GET".to_owned()],
                    }
                } else {
                    continue;
                };
                let Some(path_argument) = call
                    .positional(0)
                    .or_else(|| call.keyword("path"))
                    .or_else(|| call.keyword("rule"))
                else {
                    continue;
                };
                let Some(path) = path_argument.value.as_str() else {
                    continue;
                };
                let prefix = prefix_keyword
                    .and_then(|keyword| {
                        self.receiver_constructor(resolver, call_id)?
                            .keyword(keyword)
                    })
                    .and_then(|argument| argument.value.as_str())
                    .unwrap_or("");
                routes.push(Route {
                    path: join_route_path(prefix, path),
                    methods,
                    function: FunctionId(index),
                    span: decorator.span,
                    path_span: path_argument.value_span,
                });
            }
        }
        routes
    }

    /// For `router.get(...)`, the call `router` was bound to (`APIRouter(prefix=...)`).
    fn receiver_constructor(&self, resolver: &mut Resolver<'_, 'a>, call: CallId) -> Option<&Call> {
        let reference = &self.tables.references[self.tables.callee_references[call.0] as usize];
        if reference.attributes_len != 1 {
            return None;
        }
        let RefBase::Name(name) = reference.base else {
            return None;
        };
        let Lookup::Binding(binding) =
            resolver.lookup(reference.scope, self.tables.slice(name), reference.position)
        else {
            return None;
        };
        match self.tables.bindings[binding as usize].value {
            BindingValue::CallResult(node) => {
                let id = self.tables.call_by_node.get(&node)?;
                Some(&self.calls[id.0])
            }
            _ => None,
        }
    }
}

// ---------------------------------------------------------------------------------------
// Resolution
// ---------------------------------------------------------------------------------------

#[derive(Clone)]
enum Memo {
    Todo,
    InProgress,
    Done(Option<String>),
}

struct Resolver<'t, 'a> {
    tables: &'t Tables<'a>,
    call_memo: Vec<Memo>,
    binding_memo: Vec<Memo>,
}

impl<'t, 'a> Resolver<'t, 'a> {
    /// The binding `name` refers to when used at `position` in `scope`.
    ///
    /// In the scope of the use, the latest binding before the use counts; a function
    /// that binds the name only later makes it local, hence unbound (`Missing`). Enclosing
    /// function and module scopes reached from inside a function count with their last
    /// binding, as the function runs after they are complete. Class scopes are invisible
    /// from nested scopes. Comprehensions run in place, so they keep positions.
    fn lookup(&self, scope: ScopeId, name: &str, position: usize) -> Lookup {
        let tables = self.tables;
        let mut current = scope;
        let mut positional = true;
        loop {
            let info = &tables.scopes[current as usize];
            if info.kind == ScopeKind::Function && info.globals.contains(&name) {
                current = MODULE_SCOPE;
                positional = false;
                continue;
            }
            if let Some(list) = tables.bindings_by_name.get(&(current, name)) {
                if !positional || info.kind == ScopeKind::Comprehension {
                    if let Some(&last) = list.last() {
                        return Lookup::Binding(last);
                    }
                } else {
                    let before = list
                        .partition_point(|&id| tables.bindings[id as usize].position <= position);
                    if before > 0 {
                        return Lookup::Binding(list[before - 1]);
                    }
                    if info.kind == ScopeKind::Function {
                        return Lookup::Missing;
                    }
                }
            }
            let Some(mut parent) = info.parent else {
                return if BUILTINS.binary_search(&name).is_ok() {
                    Lookup::Builtin
                } else {
                    Lookup::Missing
                };
            };
            if info.kind == ScopeKind::Function {
                positional = false;
            }
            while tables.scopes[parent as usize].kind == ScopeKind::Class {
                match tables.scopes[parent as usize].parent {
                    Some(grandparent) => parent = grandparent,
                    None => break,
                }
            }
            current = parent;
        }
    }

    /// The literal a bare-name reference stands for: the name's only binding in its scope
    /// is an assignment of a literal (`ORIGINS = ["*"]`). A name bound more than once
    /// (branches, loops, `global` writes) could hold either value, so it has none.
    fn constant(&self, reference: RefId, assignments: &[Assignment]) -> Option<NamedConstant> {
        let tables = self.tables;
        let reference = &tables.references[reference as usize];
        let RefBase::Name(span) = reference.base else {
            return None;
        };
        if reference.attributes_len != 0 {
            return None;
        }
        let name = tables.slice(span);
        let Lookup::Binding(id) = self.lookup(reference.scope, name, reference.position) else {
            return None;
        };
        let binding = &tables.bindings[id as usize];
        let BindingValue::Constant(index) = binding.value else {
            return None;
        };
        if tables
            .bindings_by_name
            .get(&(binding.scope, name))
            .is_none_or(|list| list.len() != 1)
        {
            return None;
        }
        let assignment = &assignments[index];
        Some(NamedConstant {
            value: assignment.value.clone(),
            value_span: assignment.value_span,
            assignment: index,
        })
    }

    fn reference_qualname(&mut self, reference: RefId, depth: u32) -> Option<String> {
        if depth > MAX_RESOLVE_DEPTH {
            return None;
        }
        let tables = self.tables;
        let reference = &tables.references[reference as usize];
        let mut qualname = match reference.base {
            RefBase::Unresolvable => return None,
            RefBase::CallNode(node) => {
                let call = *tables.call_by_node.get(&node)?;
                self.call_qualname(call, depth + 1)?
            }
            RefBase::Name(span)
                if tables.slice(span) == "self"
                    && let Some(mut qualname) = self.self_attribute_qualname(reference, depth) =>
            {
                let start = reference.attributes_start as usize + 1;
                let end = reference.attributes_start as usize + reference.attributes_len as usize;
                for &attribute in &tables.attribute_spans[start..end] {
                    qualname.push('.');
                    qualname.push_str(tables.slice(attribute));
                }
                return Some(qualname);
            }
            RefBase::Name(span) => {
                let name = tables.slice(span);
                match self.lookup(reference.scope, name, reference.position) {
                    Lookup::Binding(binding) => self.binding_qualname(binding, depth + 1)?,
                    Lookup::Builtin => format!("builtins.{name}"),
                    Lookup::Missing => return None,
                }
            }
        };
        let start = reference.attributes_start as usize;
        let end = start + reference.attributes_len as usize;
        for &attribute in &tables.attribute_spans[start..end] {
            qualname.push('.');
            qualname.push_str(tables.slice(attribute));
        }
        Some(qualname)
    }

    /// `self.<attribute>...` in a method: the qualified name of what the class assigns to
    /// the first attribute, when the class assigns it once (one `requests.Session()`).
    fn self_attribute_qualname(&mut self, reference: &Reference, depth: u32) -> Option<String> {
        let tables = self.tables;
        if reference.attributes_len == 0 {
            return None;
        }
        let attribute = tables.slice(tables.attribute_spans[reference.attributes_start as usize]);
        let class = method_class_scope(&tables.scopes, reference.scope)?;
        let [value] = tables
            .instance_attributes
            .get(&(class, attribute))?
            .as_slice()
        else {
            return None;
        };
        match value {
            BindingValue::CallResult(node) => {
                let call = *tables.call_by_node.get(node)?;
                self.call_qualname(call, depth + 1)
            }
            BindingValue::Instance(reference) | BindingValue::Alias(reference) => {
                self.reference_qualname(*reference, depth + 1)
            }
            _ => None,
        }
    }

    fn binding_qualname(&mut self, binding: u32, depth: u32) -> Option<String> {
        match &self.binding_memo[binding as usize] {
            Memo::Done(result) => return result.clone(),
            Memo::InProgress => return None,
            Memo::Todo => {}
        }
        self.binding_memo[binding as usize] = Memo::InProgress;
        let result = match &self.tables.bindings[binding as usize].value {
            BindingValue::Unknown | BindingValue::Constant(_) => None,
            BindingValue::Import(qualname) => Some(qualname.clone()),
            BindingValue::Alias(reference) | BindingValue::Instance(reference) => {
                self.reference_qualname(*reference, depth + 1)
            }
            BindingValue::CallResult(node) => match self.tables.call_by_node.get(node) {
                Some(&call) => self.call_qualname(call, depth + 1),
                None => None,
            },
        };
        self.binding_memo[binding as usize] = Memo::Done(result.clone());
        result
    }

    fn call_qualname(&mut self, call: CallId, depth: u32) -> Option<String> {
        match &self.call_memo[call.0] {
            Memo::Done(result) => return result.clone(),
            Memo::InProgress => return None,
            Memo::Todo => {}
        }
        self.call_memo[call.0] = Memo::InProgress;
        let result = self.reference_qualname(self.tables.callee_references[call.0], depth + 1);
        self.call_memo[call.0] = Memo::Done(result.clone());
        result
    }
}

// ---------------------------------------------------------------------------------------
// Literal parsing
// ---------------------------------------------------------------------------------------

/// A dotted or relative module name without the whitespace Python allows inside it.
fn dotted_text(text: &str) -> String {
    if text.bytes().any(|b| b.is_ascii_whitespace() || b == b'\\') {
        text.chars()
            .filter(|c| !c.is_whitespace() && *c != '\\')
            .collect()
    } else {
        text.to_owned()
    }
}

fn join_route_path(prefix: &str, path: &str) -> String {
    if prefix.is_empty() {
        return path.to_owned();
    }
    let prefix = prefix.trim_end_matches('/');
    if path.is_empty() {
        prefix.to_owned()
    } else if path.starts_with('/') {
        format!("{prefix}{path}")
    } else {
        format!("{prefix}/{path}")
    }
}

/// A Python integer literal (`1_000`, `0x1F`, `0o17`, `0b1`); `None` for complex (`2j`),
/// Python 2 longs and values outside `i64`.
fn parse_int(text: &str) -> Option<i64> {
    let digits: String = text.chars().filter(|&c| c != '_').collect();
    let lower = digits.to_ascii_lowercase();
    if let Some(hex) = lower.strip_prefix("0x") {
        i64::from_str_radix(hex, 16).ok()
    } else if let Some(octal) = lower.strip_prefix("0o") {
        i64::from_str_radix(octal, 8).ok()
    } else if let Some(binary) = lower.strip_prefix("0b") {
        i64::from_str_radix(binary, 2).ok()
    } else if lower.bytes().all(|b| b.is_ascii_digit()) && !lower.is_empty() {
        lower.parse().ok()
    } else {
        None
    }
}

/// A Python float literal; `None` for imaginary ones (`1.5j`).
fn parse_float(text: &str) -> Option<f64> {
    if text.ends_with(['j', 'J']) {
        return None;
    }
    let digits: String = text.chars().filter(|&c| c != '_').collect();
    if !digits
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
    {
        return None;
    }
    digits.parse().ok()
}

/// A single string literal token, prefix and quotes included.
fn parse_string(text: &str) -> Literal {
    let prefix_len = text.find(['"', '\'']).unwrap_or(text.len());
    let (prefix, quoted) = text.split_at(prefix_len);
    let mut raw = false;
    for c in prefix.chars() {
        match c {
            'r' | 'R' => raw = true,
            'u' | 'U' => {}
            // f-strings and t-strings are templates; bytes are not `str`.
            _ => return Literal::Other,
        }
    }
    let quote = if quoted.starts_with("\"\"\"") {
        "\"\"\""
    } else if quoted.starts_with("'''") {
        "'''"
    } else if quoted.starts_with('"') {
        "\""
    } else if quoted.starts_with('\'') {
        "'"
    } else {
        return Literal::Other;
    };
    let body = quoted
        .strip_prefix(quote)
        .and_then(|rest| rest.strip_suffix(quote))
        .filter(|_| quoted.len() >= 2 * quote.len());
    match body {
        Some(body) if raw || !body.contains('\\') => Literal::Str(body.to_owned()),
        Some(body) => decode_escapes(body).map_or(Literal::Other, Literal::Str),
        // Unterminated (a syntax error): not a value a rule should judge.
        None => Literal::Other,
    }
}

/// Decode the escapes of a non-raw `str` literal body; `None` for `\N{...}` (whose value
/// needs the Unicode name table) and for invalid escapes of code points.
fn decode_escapes(body: &str) -> Option<String> {
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(escape) = chars.next() else {
            out.push('\\');
            break;
        };
        match escape {
            '\n' => {}
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
            }
            '\\' => out.push('\\'),
            '\'' => out.push('\''),
            '"' => out.push('"'),
            'a' => out.push('\u{7}'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'v' => out.push('\u{b}'),
            '0'..='7' => {
                let mut value = escape.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    match chars.peek().and_then(|d| d.to_digit(8)) {
                        Some(digit) => {
                            value = value * 8 + digit;
                            chars.next();
                        }
                        None => break,
                    }
                }
                out.push(char::from_u32(value)?);
            }
            'x' | 'u' | 'U' => {
                let width = match escape {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let mut value = 0u32;
                for _ in 0..width {
                    let digit = chars.next()?.to_digit(16)?;
                    value = value.checked_mul(16)?.checked_add(digit)?;
                }
                out.push(char::from_u32(value)?);
            }
            'N' => return None,
            other => {
                // Python keeps unknown escapes as written.
                out.push('\\');
                out.push(other);
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::python::PythonParser;

    fn model(text: &str) -> Module {
        let mut parser = PythonParser::new();
        let tree = parser.parse(text).expect("parse");
        build(text, &tree)
    }

    fn slice(text: &str, span: Span) -> &str {
        &text[span.start..span.end]
    }

    /// The `n`-th call (0-based) whose callee is written `callee`.
    fn nth_call<'m>(module: &'m Module, callee: &str, n: usize) -> &'m Call {
        module
            .calls()
            .filter(|call| call.callee_text == callee)
            .nth(n)
            .unwrap_or_else(|| panic!("no call #{n} to {callee}"))
    }

    fn qualname_of(module: &Module, callee: &str) -> Option<String> {
        nth_call(module, callee, 0).qualname.clone()
    }

    #[test]
    fn builtins_table_is_sorted_for_binary_search() {
        assert!(BUILTINS.is_sorted());
    }

    #[test]
    fn import_alias_resolves() {
        let m = model("import requests as r\nr.get(u)\n");
        assert_eq!(qualname_of(&m, "r.get").as_deref(), Some("requests.get"));
        assert_eq!(m.calls_to("requests.get").count(), 1);
    }

    #[test]
    fn from_import_resolves() {
        let m = model("from requests import get\nget(u)\nfrom requests import post as p\np(u)\n");
        assert_eq!(qualname_of(&m, "get").as_deref(), Some("requests.get"));
        assert_eq!(qualname_of(&m, "p").as_deref(), Some("requests.post"));
    }

    #[test]
    fn dotted_import_resolves_full_path() {
        let m = model("import urllib.request\nurllib.request.urlopen(u)\n");
        assert_eq!(
            qualname_of(&m, "urllib.request.urlopen").as_deref(),
            Some("urllib.request.urlopen")
        );
        assert_eq!(m.imports[0].qualname, "urllib.request");
        assert_eq!(m.imports[0].bound_name, "urllib");
        assert!(m.imports_module("urllib"));
        assert!(m.imports_module("urllib.request"));
        assert!(!m.imports_module("url"));
    }

    #[test]
    fn aliased_dotted_import_and_multiple_items() {
        let m = model("import a.b as c, d\nc.f()\nd.g()\n");
        assert_eq!(qualname_of(&m, "c.f").as_deref(), Some("a.b.f"));
        assert_eq!(qualname_of(&m, "d.g").as_deref(), Some("d.g"));
    }

    #[test]
    fn relative_imports_keep_leading_dots() {
        let text =
            "from . import x\nfrom ..pkg import y as z\nfrom .mod import (w,)\nx()\nz()\nw()\n";
        let m = model(text);
        assert_eq!(qualname_of(&m, "x").as_deref(), Some(".x"));
        assert_eq!(qualname_of(&m, "z").as_deref(), Some("..pkg.y"));
        assert_eq!(qualname_of(&m, "w").as_deref(), Some(".mod.w"));
        let qualnames: Vec<&str> = m.imports.iter().map(|i| i.qualname.as_str()).collect();
        assert_eq!(qualnames, [".x", "..pkg.y", ".mod.w"]);
    }

    #[test]
    fn session_bound_by_assignment() {
        let m = model("import requests\ns = requests.Session()\ns.get(u)\n");
        assert_eq!(
            qualname_of(&m, "s.get").as_deref(),
            Some("requests.Session.get")
        );
        assert_eq!(
            qualname_of(&m, "requests.Session").as_deref(),
            Some("requests.Session")
        );
    }

    #[test]
    fn session_bound_by_with() {
        let text = "import requests\nwith requests.Session() as s:\n    s.get(u)\n";
        let m = model(text);
        assert_eq!(
            qualname_of(&m, "s.get").as_deref(),
            Some("requests.Session.get")
        );
        let text = "import aiohttp\nasync def f():\n    async with aiohttp.ClientSession() as session:\n        await session.get(u)\n";
        let m = model(text);
        let get = nth_call(&m, "session.get", 0);
        assert_eq!(get.qualname.as_deref(), Some("aiohttp.ClientSession.get"));
        assert!(get.awaited);
        assert!(m.in_async_context(get));
    }

    #[test]
    fn method_on_call_result() {
        let m = model("import requests\nrequests.Session().get(u)\n");
        assert_eq!(
            qualname_of(&m, "requests.Session().get").as_deref(),
            Some("requests.Session.get")
        );
    }

    #[test]
    fn flask_app_methods_and_config() {
        let text = "from flask import Flask\napp = Flask(__name__)\napp.run()\napp.config.update(DEBUG=True)\n";
        let m = model(text);
        assert_eq!(
            qualname_of(&m, "app.run").as_deref(),
            Some("flask.Flask.run")
        );
        assert_eq!(
            qualname_of(&m, "app.config.update").as_deref(),
            Some("flask.Flask.config.update")
        );
        let update = nth_call(&m, "app.config.update", 0);
        assert_eq!(
            update.keyword("DEBUG").map(|a| &a.value),
            Some(&Literal::Bool(true))
        );
        assert_eq!(m.app_objects.len(), 1);
        let app = &m.app_objects[0];
        assert_eq!(app.name, "app");
        assert_eq!(app.qualname, "flask.Flask");
        assert_eq!(app.kind, AppKind::Wsgi);
        assert_eq!(slice(text, app.span), "app = Flask(__name__)");
        assert_eq!(slice(text, app.name_span), "app");
        assert_eq!(app.function, None);
    }

    #[test]
    fn app_objects_of_each_framework() {
        let text = "\
from fastapi import FastAPI
from starlette.applications import Starlette
from quart import Quart
from django.core.wsgi import get_wsgi_application
from django.core.asgi import get_asgi_application
api = FastAPI()
star = Starlette(debug=True)
q = Quart(__name__)
application = get_wsgi_application()
asgi = get_asgi_application()
def create_app():
    inner = FastAPI()
    return inner
other = dict()
";
        let m = model(text);
        let apps: Vec<(&str, &str, AppKind, bool)> = m
            .app_objects
            .iter()
            .map(|a| {
                (
                    a.name.as_str(),
                    a.qualname.as_str(),
                    a.kind,
                    a.function.is_some(),
                )
            })
            .collect();
        assert_eq!(
            apps,
            [
                ("api", "fastapi.FastAPI", AppKind::Asgi, false),
                (
                    "star",
                    "starlette.applications.Starlette",
                    AppKind::Asgi,
                    false
                ),
                ("q", "quart.Quart", AppKind::Asgi, false),
                (
                    "application",
                    "django.core.wsgi.get_wsgi_application",
                    AppKind::Wsgi,
                    false
                ),
                (
                    "asgi",
                    "django.core.asgi.get_asgi_application",
                    AppKind::Asgi,
                    false
                ),
                ("inner", "fastapi.FastAPI", AppKind::Asgi, true),
            ]
        );
    }

    #[test]
    fn rebinding_to_unknown_is_silent() {
        let text = "\
import requests
s = requests.Session()
s = make()
s.get(u)
r = requests
r = 3
r.get(u)
def f(s):
    s.get(u)
for s in xs:
    s.post(u)
";
        let m = model(text);
        assert_eq!(nth_call(&m, "s.get", 0).qualname, None);
        assert_eq!(nth_call(&m, "r.get", 0).qualname, None);
        assert_eq!(nth_call(&m, "s.get", 1).qualname, None);
        assert_eq!(nth_call(&m, "s.post", 0).qualname, None);
    }

    #[test]
    fn binding_preceding_the_use_counts() {
        let text = "\
import requests
s = requests.Session()
s.get(a)
import httpx
s = httpx.Client()
s.get(b)
";
        let m = model(text);
        assert_eq!(
            nth_call(&m, "s.get", 0).qualname.as_deref(),
            Some("requests.Session.get")
        );
        assert_eq!(
            nth_call(&m, "s.get", 1).qualname.as_deref(),
            Some("httpx.Client.get")
        );
    }

    #[test]
    fn self_rebinding_uses_previous_value() {
        let m = model("import a\nx = a.B()\nx = x.child()\nx.run()\n");
        assert_eq!(qualname_of(&m, "x.run").as_deref(), Some("a.B.child.run"));
    }

    #[test]
    fn function_scopes() {
        let text = "\
import requests
def uses_module_binding():
    requests.get(u)
def shadows_locally():
    requests = make()
    requests.get(u)
def binds_after_use():
    requests.get(u)
    requests = 1
def imports_locally():
    import httpx as requests
    requests.get(u)
def reads_later_module_binding():
    later.get(u)
later = requests.Session()
requests.get(u)
";
        let m = model(text);
        let get = |n| nth_call(&m, "requests.get", n).qualname.as_deref();
        assert_eq!(get(0), Some("requests.get"));
        assert_eq!(get(1), None);
        assert_eq!(get(2), None);
        assert_eq!(get(3), Some("httpx.get"));
        assert_eq!(get(4), Some("requests.get"), "local import does not leak");
        assert_eq!(
            qualname_of(&m, "later.get").as_deref(),
            Some("requests.Session.get")
        );
        assert_eq!(m.imports[1].function, Some(FunctionId(3)));
    }

    #[test]
    fn closures_and_classes() {
        let text = "\
import requests
def outer():
    s = requests.Session()
    def inner():
        s.get(u)
    return inner
class C:
    r = requests
    r.get(u)
    def method(self):
        r.get(u)
";
        let m = model(text);
        assert_eq!(
            qualname_of(&m, "s.get").as_deref(),
            Some("requests.Session.get")
        );
        assert_eq!(
            nth_call(&m, "r.get", 0).qualname.as_deref(),
            Some("requests.get")
        );
        assert!(nth_call(&m, "r.get", 0).in_class);
        // Class attributes are not visible from methods.
        assert_eq!(nth_call(&m, "r.get", 1).qualname, None);
        assert!(
            m.functions
                .iter()
                .any(|f| f.name == "method" && f.is_method)
        );
    }

    #[test]
    fn global_declaration_binds_module_name() {
        let text = "\
import requests
client = None
def setup():
    global client
    client = requests.Session()
def use():
    client.get(u)
";
        let m = model(text);
        assert_eq!(
            qualname_of(&m, "client.get").as_deref(),
            Some("requests.Session.get")
        );
    }

    #[test]
    fn comprehension_variables_do_not_leak() {
        let text = "import requests as r\n[r.get(x) for r in clients]\nr.get(y)\n";
        let m = model(text);
        assert_eq!(nth_call(&m, "r.get", 0).qualname, None);
        assert_eq!(
            nth_call(&m, "r.get", 1).qualname.as_deref(),
            Some("requests.get")
        );
    }

    #[test]
    fn builtins_resolve_unless_rebound() {
        let text = "\
open(p)
print(x)
input()
def f(open):
    open(p)
from io import open
open(q)
def print(*a):
    pass
print(y)
unknown_name()
";
        let m = model(text);
        assert_eq!(
            nth_call(&m, "open", 0).qualname.as_deref(),
            Some("builtins.open")
        );
        assert_eq!(
            nth_call(&m, "print", 0).qualname.as_deref(),
            Some("builtins.print")
        );
        assert_eq!(
            nth_call(&m, "input", 0).qualname.as_deref(),
            Some("builtins.input")
        );
        assert_eq!(nth_call(&m, "open", 1).qualname, None);
        assert_eq!(nth_call(&m, "open", 2).qualname.as_deref(), Some("io.open"));
        assert_eq!(nth_call(&m, "print", 1).qualname, None);
        assert_eq!(nth_call(&m, "unknown_name", 0).qualname, None);
    }

    #[test]
    fn module_defs_and_classes_are_unresolved() {
        let m = model("def helper():\n    pass\nclass K:\n    pass\nhelper()\nK()\n");
        assert_eq!(qualname_of(&m, "helper"), None);
        assert_eq!(qualname_of(&m, "K"), None);
    }

    #[test]
    fn plain_aliases_of_imported_names() {
        let m = model("import requests\nfetch = requests.get\nfetch(u)\n");
        assert_eq!(qualname_of(&m, "fetch").as_deref(), Some("requests.get"));
    }

    #[test]
    fn literal_values() {
        let text = r#"f(True, False, None, 42, -1, +3, 0x1F, 1_000, 2.5, -0.5, 2j, "s", 's', r"a\n", b"x", u"u", f"x{y}", "a" "b", "tab\tend", """tri""", name, [1, "a"], ("x",), 99999999999999999999, (7))"#;
        let m = model(text);
        let values: Vec<&Literal> = nth_call(&m, "f", 0)
            .arguments
            .iter()
            .map(|a| &a.value)
            .collect();
        assert_eq!(
            values,
            [
                &Literal::Bool(true),
                &Literal::Bool(false),
                &Literal::None,
                &Literal::Int(42),
                &Literal::Int(-1),
                &Literal::Int(3),
                &Literal::Int(31),
                &Literal::Int(1000),
                &Literal::Float(2.5),
                &Literal::Float(-0.5),
                &Literal::Other,
                &Literal::Str("s".into()),
                &Literal::Str("s".into()),
                &Literal::Str(r"a\n".into()),
                &Literal::Other,
                &Literal::Str("u".into()),
                &Literal::Other,
                &Literal::Other,
                &Literal::Str("tab\tend".into()),
                &Literal::Str("tri".into()),
                &Literal::Other,
                &Literal::List(vec![Literal::Int(1), Literal::Str("a".into())]),
                &Literal::List(vec![Literal::Str("x".into())]),
                &Literal::Other,
                &Literal::Int(7),
            ]
        );
    }

    #[test]
    fn string_escapes() {
        assert_eq!(
            parse_string(r#""a\x41\u00e9\101\'\"\\q""#),
            Literal::Str("aAéA'\"\\\\q".replace("\\\\", "\\"))
        );
        assert_eq!(parse_string(r#""\N{DASH}""#), Literal::Other);
        assert_eq!(parse_string(r#""unterminated"#), Literal::Other);
        assert_eq!(parse_string(r#"''"#), Literal::Str(String::new()));
        assert_eq!(parse_string(r#"''''''"#), Literal::Str(String::new()));
        assert_eq!(
            parse_string("\"line\\\ncontinued\""),
            Literal::Str("linecontinued".into())
        );
        assert_eq!(parse_string(r#"Rb"x""#), Literal::Other);
    }

    #[test]
    fn arguments_keywords_positions_and_spans() {
        let text = "g(a, *rest, 1, timeout=None, verify=False, **extra)  # trailing\n";
        let m = model(text);
        let call = nth_call(&m, "g", 0);
        assert_eq!(
            slice(text, call.span),
            "g(a, *rest, 1, timeout=None, verify=False, **extra)"
        );
        assert_eq!(slice(text, call.callee_span), "g");
        assert!(call.has_star_args);
        assert!(call.has_star_kwargs);
        let kinds: Vec<ArgumentKind> = call.arguments.iter().map(|a| a.kind).collect();
        assert_eq!(
            kinds,
            [
                ArgumentKind::Positional,
                ArgumentKind::ListSplat,
                ArgumentKind::Positional,
                ArgumentKind::Keyword,
                ArgumentKind::Keyword,
                ArgumentKind::DictSplat,
            ]
        );
        assert_eq!(slice(text, call.positional(0).unwrap().span), "a");
        assert_eq!(call.positional(1).unwrap().value, Literal::Int(1));
        assert!(call.positional(2).is_none());
        let timeout = call.keyword("timeout").unwrap();
        assert_eq!(timeout.value, Literal::None);
        assert_eq!(slice(text, timeout.span), "timeout=None");
        assert_eq!(slice(text, timeout.keyword_span.unwrap()), "timeout");
        assert_eq!(slice(text, timeout.value_span), "None");
        assert_eq!(call.keyword("verify").unwrap().value, Literal::Bool(false));
        assert_eq!(slice(text, call.arguments[1].value_span), "rest");
        assert_eq!(slice(text, call.arguments[5].span), "**extra");
        assert!(call.keyword("missing").is_none());
        let gen_call = model("sum(x for x in y)\n");
        assert_eq!(gen_call.calls[0].arguments.len(), 1);
    }

    #[test]
    fn comments_inside_argument_lists_are_skipped() {
        let m = model("f(\n    1,  # one\n    2,\n)\n");
        assert_eq!(m.calls[0].arguments.len(), 2);
    }

    #[test]
    fn main_guard() {
        let text = "\
app.run()
if __name__ == \"__main__\":
    app.run()
    if x:
        nested()
if '__main__' == __name__:
    other()
if (__name__ == '__main__'):
    paren()
else:
    not_guarded()
if __name__ != \"__main__\":
    negated()
def f():
    if __name__ == \"__main__\":
        in_function()
";
        let m = model(text);
        assert!(!nth_call(&m, "app.run", 0).in_main_guard);
        assert!(nth_call(&m, "app.run", 1).in_main_guard);
        assert!(nth_call(&m, "nested", 0).in_main_guard);
        assert!(nth_call(&m, "other", 0).in_main_guard);
        assert!(nth_call(&m, "paren", 0).in_main_guard);
        assert!(!nth_call(&m, "not_guarded", 0).in_main_guard);
        assert!(!nth_call(&m, "negated", 0).in_main_guard);
        assert!(!nth_call(&m, "in_function", 0).in_main_guard);
    }

    #[test]
    fn expression_statements_and_await() {
        let text = "\
import asyncio
async def main():
    asyncio.create_task(work())
    task = asyncio.create_task(work())
    await asyncio.sleep(1)
    (asyncio.ensure_future(x))
    tasks.add(asyncio.create_task(work()))
";
        let m = model(text);
        let create = |n| nth_call(&m, "asyncio.create_task", n);
        assert!(create(0).is_expression_statement);
        assert!(!create(1).is_expression_statement);
        assert!(!create(2).is_expression_statement);
        let sleep = nth_call(&m, "asyncio.sleep", 0);
        assert!(sleep.awaited);
        assert!(!sleep.is_expression_statement);
        assert!(!create(0).awaited);
        assert!(nth_call(&m, "asyncio.ensure_future", 0).is_expression_statement);
        assert!(nth_call(&m, "work", 0).function.is_some());
    }

    #[test]
    fn async_context_nested_def_and_lambda() {
        let text = "\
import time
async def handler():
    time.sleep(1)
    def helper():
        time.sleep(2)
    callback = lambda: time.sleep(3)
    await loop.run_in_executor(None, lambda: time.sleep(4))
def sync():
    time.sleep(5)
";
        let m = model(text);
        let sleep = |n| nth_call(&m, "time.sleep", n);
        assert!(m.in_async_context(sleep(0)));
        assert!(!m.in_async_context(sleep(1)));
        assert!(!m.in_async_context(sleep(2)));
        assert!(!m.in_async_context(sleep(3)));
        assert!(!m.in_async_context(sleep(4)));
        let chain: Vec<(&str, bool, bool)> = m
            .enclosing_functions(sleep(2))
            .map(|f| (f.name.as_str(), f.is_async, f.is_lambda))
            .collect();
        assert_eq!(chain, [("<lambda>", false, true), ("handler", true, false)]);
        let helper = m.functions.iter().find(|f| f.name == "helper").unwrap();
        assert_eq!(helper.parent, Some(FunctionId(0)));
        assert_eq!(slice(text, helper.name_span), "helper");
        assert!(slice(text, helper.span).starts_with("def helper():"));
        let lambda = m.functions.iter().find(|f| f.is_lambda).unwrap();
        assert_eq!(slice(text, lambda.name_span), "lambda");
        assert_eq!(slice(text, lambda.span), "lambda: time.sleep(3)");
        assert_eq!(m.enclosing_functions(sleep(3)).count(), 2);
        assert_eq!(m.function(sleep(4).function.unwrap()).name, "sync");
    }

    #[test]
    fn default_values_and_decorators_run_in_enclosing_scope() {
        let text = "\
import requests
@decorate(requests.get(u))
def f(x=requests.post(u), s=requests.Session()):
    s.get(u)
";
        let m = model(text);
        assert_eq!(nth_call(&m, "requests.get", 0).function, None);
        assert_eq!(nth_call(&m, "requests.post", 0).function, None);
        assert_eq!(
            nth_call(&m, "requests.post", 0).qualname.as_deref(),
            Some("requests.post")
        );
        // A parameter is unknown whatever its default.
        assert_eq!(nth_call(&m, "s.get", 0).qualname, None);
        assert_eq!(nth_call(&m, "s.get", 0).function, Some(FunctionId(0)));
    }

    #[test]
    fn decorators_and_routes() {
        let text = "\
import functools
from fastapi import FastAPI, APIRouter
from flask import Flask, Blueprint
app = FastAPI()
router = APIRouter(prefix=\"/api\")
web = Flask(__name__)
bp = Blueprint(\"bp\", __name__, url_prefix=\"/bp\")

@app.get(\"/ready\")
async def ready():
    return {}

@router.post(\"/items\")
@functools.cache
def items():
    pass

@web.route(\"/healthz\")
def healthz():
    print(\"hit\")

@web.route(\"/form\", methods=[\"get\", \"POST\"])
def form():
    pass

@bp.route(\"/x\")
def in_blueprint():
    pass

@app.api_route(path=\"/any\", methods=[\"PUT\"])
def any_route():
    pass

@app.get(path_variable)
def dynamic():
    pass

@other.get(\"/not-an-app\")
def not_a_route():
    pass
";
        let m = model(text);
        let ready = &m.functions[0];
        assert!(ready.is_async);
        assert_eq!(ready.decorators.len(), 1);
        let decorator = &ready.decorators[0];
        assert_eq!(decorator.qualname.as_deref(), Some("fastapi.FastAPI.get"));
        assert_eq!(decorator.text, "app.get(\"/ready\")");
        assert_eq!(slice(text, decorator.span), "@app.get(\"/ready\")");
        let call = m.call(decorator.call.unwrap());
        assert_eq!(
            call.positional(0).unwrap().value,
            Literal::Str("/ready".into())
        );
        assert_eq!(call.function, None);
        let items = &m.functions[1];
        assert_eq!(
            items.decorators[1].qualname.as_deref(),
            Some("functools.cache")
        );
        assert_eq!(items.decorators[1].call, None);
        let routes: Vec<(&str, Vec<&str>, &str)> = m
            .routes
            .iter()
            .map(|r| {
                (
                    r.path.as_str(),
                    r.methods.iter().map(String::as_str).collect(),
                    m.function(r.function).name.as_str(),
                )
            })
            .collect();
        assert_eq!(
            routes,
            [
                ("/ready", vec!["GET"], "ready"),
                ("/api/items", vec!["POST"], "items"),
                ("/healthz", vec!["GET"], "healthz"),
                ("/form", vec!["GET", "POST"], "form"),
                ("/bp/x", vec!["GET"], "in_blueprint"),
                ("/any", vec!["PUT"], "any_route"),
            ]
        );
        assert_eq!(slice(text, m.routes[0].path_span), "\"/ready\"");
        assert_eq!(slice(text, m.routes[0].span), "@app.get(\"/ready\")");
        // print inside a route handler: its enclosing function carries the decorator.
        let print = nth_call(&m, "print", 0);
        let handler = m.enclosing_functions(print).next().unwrap();
        assert_eq!(
            handler.decorators[0].qualname.as_deref(),
            Some("flask.Flask.route")
        );
    }

    #[test]
    fn assignments() {
        let text = "\
from flask import Flask
import os
app = Flask(__name__)
DEBUG = True
app.debug = True
app.config[\"DEBUG\"] = True
x: int = 3
y: int
count += 1
a = b = \"same\"
first, second = 1, 2
SECRET = os.environ.get(\"SECRET\", \"dev\")
class Settings:
    LEVEL = -2
def f():
    local = None
if __name__ == \"__main__\":
    PORT = 8000
";
        let m = model(text);
        let find = |target_text: &str| {
            m.assignments
                .iter()
                .find(|a| slice(text, a.target_span) == target_text)
                .unwrap_or_else(|| panic!("no assignment to {target_text}"))
        };
        let debug = find("DEBUG");
        assert_eq!(debug.target, AssignTarget::Name("DEBUG".into()));
        assert_eq!(debug.value, Literal::Bool(true));
        assert_eq!(slice(text, debug.span), "DEBUG = True");
        assert_eq!(slice(text, debug.value_span), "True");
        assert_eq!(debug.function, None);
        assert_eq!(
            find("app.debug").target,
            AssignTarget::Attribute {
                object_qualname: Some("flask.Flask".into()),
                object_text: "app".into(),
                attr: "debug".into(),
            }
        );
        assert_eq!(
            find("app.config[\"DEBUG\"]").target,
            AssignTarget::Subscript {
                object_qualname: Some("flask.Flask.config".into()),
                object_text: "app.config".into(),
                key: Literal::Str("DEBUG".into()),
            }
        );
        assert_eq!(find("x").value, Literal::Int(3));
        assert!(
            m.assignments
                .iter()
                .all(|a| slice(text, a.target_span) != "y")
        );
        let count = find("count");
        assert!(count.augmented);
        assert_eq!(count.value, Literal::Int(1));
        assert_eq!(find("a").value, Literal::Str("same".into()));
        assert_eq!(slice(text, find("b").span), "a = b = \"same\"");
        // A tuple target with a tuple value of the same length: one record per element.
        assert_eq!(find("first").value, Literal::Int(1));
        assert_eq!(find("second").value, Literal::Int(2));
        let secret = find("SECRET");
        assert_eq!(secret.value, Literal::Other);
        let call = m.call(secret.value_call.unwrap());
        assert_eq!(call.qualname.as_deref(), Some("os.environ.get"));
        assert_eq!(
            call.positional(1).unwrap().value,
            Literal::Str("dev".into())
        );
        let level = find("LEVEL");
        assert!(level.in_class);
        assert_eq!(level.value, Literal::Int(-2));
        assert_eq!(find("local").function, Some(FunctionId(0)));
        assert_eq!(find("local").value, Literal::None);
        assert!(find("PORT").in_main_guard);
        assert!(!debug.in_main_guard);
    }

    #[test]
    fn annotations_bind_instances() {
        let text = "\
import httpx
from pathlib import Path
from typing import Optional, Union
async def f(a: httpx.Client, b: httpx.Client | None, c: Optional[Path], d: Union[None, Path] = None, e: int | str = 1, *rest: Path):
    a.get(u)
    b.get(u)
    c.exists()
    d.exists()
    e.bit_length()
    rest.count()
    local: httpx.Client = ...
    local.post(u)
    built: httpx.Client = make()
    built.close()
";
        let m = model(text);
        for (callee, expected) in [
            ("a.get", Some("httpx.Client.get")),
            ("b.get", Some("httpx.Client.get")),
            ("c.exists", Some("pathlib.Path.exists")),
            ("d.exists", Some("pathlib.Path.exists")),
            ("e.bit_length", None),
            ("rest.count", None),
            ("local.post", Some("httpx.Client.post")),
            ("built.close", Some("httpx.Client.close")),
        ] {
            assert_eq!(qualname_of(&m, callee).as_deref(), expected, "{callee}");
        }
    }

    #[test]
    fn tuples_paths_and_constants() {
        let text = "\
from pathlib import Path
ORIGINS = [\"*\"]
TWICE = 1
TWICE = 2
def f(base: Path):
    p1, (p2, p3) = Path(\"a\"), (Path(\"b\"), g())
    p1.open()
    p2.open()
    p3.open()
    (base / \"x\" / \"y\").read_text()
    joined = base / \"z\"
    joined.exists()
    secret = \"s3cr3t\"
    use(ORIGINS, TWICE, secret, key=secret, other=unknown)
";
        let m = model(text);
        assert_eq!(
            qualname_of(&m, "p1.open").as_deref(),
            Some("pathlib.Path.open")
        );
        assert_eq!(
            qualname_of(&m, "p2.open").as_deref(),
            Some("pathlib.Path.open")
        );
        assert_eq!(qualname_of(&m, "p3.open").as_deref(), None);
        assert_eq!(
            qualname_of(&m, "(base / \"x\" / \"y\").read_text").as_deref(),
            Some("pathlib.Path.read_text")
        );
        assert_eq!(
            qualname_of(&m, "joined.exists").as_deref(),
            Some("pathlib.Path.exists")
        );
        let call = nth_call(&m, "use", 0);
        let constant = |i: usize| call.arguments[i].constant.as_ref().map(|c| &c.value);
        assert_eq!(
            constant(0),
            Some(&Literal::List(vec![Literal::Str("*".into())]))
        );
        assert_eq!(
            slice(
                text,
                call.arguments[0].constant.as_ref().unwrap().value_span
            ),
            "[\"*\"]"
        );
        // Bound twice: either value.
        assert_eq!(constant(1), None);
        assert_eq!(constant(2), Some(&Literal::Str("s3cr3t".into())));
        assert_eq!(constant(3), Some(&Literal::Str("s3cr3t".into())));
        assert_eq!(constant(4), None);
    }

    #[test]
    fn comparisons_with_string_literals() {
        let text = "\
def f(password, obj, headers):
    if password == \"root\" or \"tok\" != obj.token or headers[\"X-Key\"] == 'k':
        pass
    if a == b == \"c\" and n == 3 and password is \"x\":
        pass
";
        let m = model(text);
        let seen: Vec<(&str, &str, &str)> = m
            .comparisons
            .iter()
            .map(|c| (c.name.as_str(), c.value.as_str(), slice(text, c.value_span)))
            .collect();
        assert_eq!(
            seen,
            [
                ("password", "root", "\"root\""),
                ("token", "tok", "\"tok\""),
                ("X-Key", "k", "'k'"),
                ("b", "c", "\"c\""),
            ]
        );
    }

    #[test]
    fn identifiers_mentioned_in_functions() {
        let text = "def f():\n    task = spawn()\n    other = 1\n    return other.task\n";
        let m = model(text);
        let after = text.find("other = 1").unwrap();
        let end = text.len();
        assert!(m.mentions(text, "other", Span::new(after, end)));
        assert!(m.mentions(text, "task", Span::new(after, end)));
        assert!(!m.mentions(text, "spawn", Span::new(after, end)));
    }

    #[test]
    fn list_literal_assignment() {
        let m = model("ALLOWED_HOSTS = [\"*\"]  # all\n");
        assert_eq!(
            m.assignments[0].value,
            Literal::List(vec![Literal::Str("*".into())])
        );
    }

    #[test]
    fn syntax_error_still_yields_calls_after_it() {
        let text = "import requests\ndef broken(:\n    pass\nrequests.get(u)\nx = (\n";
        let m = model(text);
        assert!(m.syntax_error.is_some());
        let get = m
            .calls_to("requests.get")
            .next()
            .expect("call after the error");
        assert_eq!(slice(text, get.span), "requests.get(u)");
    }

    #[test]
    fn deep_nesting_does_not_crash() {
        let depth = 5000;
        let text = format!("x = {}1{}\n", "(".repeat(depth), ")".repeat(depth));
        let m = model(&text);
        assert_eq!(m.assignments.len(), 1);
        let text = format!("x = {}1{}\n", "[".repeat(depth), "]".repeat(depth));
        let m = model(&text);
        assert!(matches!(m.assignments[0].value, Literal::List(_)));
        let text = format!("f({}x{})\n", "g(".repeat(depth), ")".repeat(depth));
        let m = model(&text);
        assert_eq!(m.calls.len(), depth + 1);
        let mut nested_defs = String::new();
        for level in 0..300 {
            nested_defs.push_str(&" ".repeat(level));
            nested_defs.push_str("def f():\n");
        }
        nested_defs.push_str(&" ".repeat(300));
        nested_defs.push_str("open(p)\n");
        let m = model(&nested_defs);
        assert_eq!(m.functions.len(), 300);
        assert_eq!(m.calls[0].qualname.as_deref(), Some("builtins.open"));
        assert_eq!(m.enclosing_functions(&m.calls[0]).count(), 300);
        let chain = format!("import a\na{}()\n", ".b".repeat(depth));
        let m = model(&chain);
        assert_eq!(
            m.calls[0].qualname.as_ref().map(String::len),
            Some(1 + 2 * depth)
        );
    }

    #[test]
    fn except_handlers() {
        let text = "\
import asyncio
import logging
from asyncio import CancelledError as Cancelled
log = logging.getLogger(__name__)
async def worker():
    try:
        await job()
    except asyncio.CancelledError:
        cleanup()
        raise
    except (ValueError, KeyError) as exc:
        log.warning(\"bad %s\", exc)
    except Cancelled:
        pass
    except:
        ...
def sync():
    try:
        x()
    except Exception:
        # ignored
        return
    except BaseException:
        return None
    except OSError:
        def later():
            raise
        try:
            y()
        except KeyError:
            raise
";
        let m = model(text);
        assert_eq!(m.handlers.len(), 8);
        let h = &m.handlers;
        assert_eq!(h[0].types, Some(vec!["asyncio.CancelledError".to_owned()]));
        assert!(h[0].body_reraises);
        assert!(!h[0].body_is_trivial);
        assert!(h[0].in_async);
        assert_eq!(slice(text, h[0].keyword_span), "except");
        assert_eq!(m.call(h[0].body_calls[0]).callee_text, "cleanup");
        assert_eq!(
            h[1].types,
            Some(vec!["ValueError".to_owned(), "KeyError".to_owned()])
        );
        assert_eq!(h[1].binds_name.as_deref(), Some("exc"));
        assert_eq!(
            m.call(h[1].body_calls[0]).qualname.as_deref(),
            Some("logging.getLogger.warning")
        );
        assert!(h[2].catches("asyncio.CancelledError"));
        assert!(h[2].body_is_trivial);
        assert_eq!(h[3].types, None);
        assert!(h[3].body_is_trivial);
        assert!(h[4].catches("Exception"));
        assert!(h[4].body_is_trivial);
        assert!(!h[4].in_async);
        assert!(!h[5].body_is_trivial, "return None returns a value");
        assert!(h[5].body_exits);
        assert!(!h[4].try_exits);
        assert!(!h[0].body_exits);
        // A raise in a nested def or in a nested except clause is not this body's.
        assert!(!h[6].body_reraises);
        assert!(h[7].body_reraises);
        assert_eq!(h[7].parent, Some(HandlerId(6)));
        assert!(
            h[6].body_calls
                .iter()
                .any(|&c| m.call(c).callee_text == "y")
        );
        let x = nth_call(&m, "x", 0);
        assert_eq!(x.handler, None);
        assert_eq!(nth_call(&m, "y", 0).handler, Some(HandlerId(6)));
        assert_eq!(slice(text, h[4].body_span), "return");
    }

    #[test]
    fn loops() {
        let text = "\
import time
def poll():
    while True:
        try:
            fetch()
        except OSError:
            continue
        for item in items():
            handle(item)
            cb = lambda: inner()
    while 1:
        time.sleep(1)
    while running:
        pass
async def consume():
    async for msg in stream():
        await msg.ack()
for x in y:
    def f():
        not_in_loop()
";
        let m = model(text);
        assert_eq!(m.loops.len(), 6);
        let l = &m.loops;
        assert!(l[0].is_while_true);
        assert_eq!(l[0].kind, LoopKind::While);
        assert!(l[0].has_try_in_body);
        assert_eq!(l[0].handlers, vec![HandlerId(0)]);
        let names: Vec<&str> = l[0]
            .calls
            .iter()
            .map(|&c| m.call(c).callee_text.as_str())
            .collect();
        assert_eq!(names, ["fetch", "items", "handle"]);
        assert_eq!(l[1].kind, LoopKind::For);
        assert_eq!(l[1].parent, Some(LoopId(0)));
        assert!(!l[1].has_try_in_body);
        assert_eq!(m.handlers[0].in_loop, Some(LoopId(0)));
        assert!(l[2].is_while_true);
        assert!(!l[3].is_while_true);
        assert_eq!(l[4].kind, LoopKind::For);
        assert_eq!(slice(text, l[4].keyword_span), "for");
        assert_eq!(l[4].calls.len(), 2);
        assert_eq!(nth_call(&m, "inner", 0).in_loop, None);
        assert_eq!(nth_call(&m, "handle", 0).in_loop, Some(LoopId(1)));
        assert_eq!(nth_call(&m, "not_in_loop", 0).in_loop, None);
        assert_eq!(m.call(l[1].iterable_call.unwrap()).callee_text, "items");
        assert_eq!(l[0].iterable_call, None);
        assert!(!m.handlers[0].body_exits);
        assert!(!m.handlers[0].try_exits);
        assert_eq!(m.loops.last().unwrap().function, None);
    }

    #[test]
    fn request_handlers_and_tasks() {
        let text = "\
from flask import Flask
from flask.views import MethodView
from rest_framework.decorators import api_view
from rest_framework import viewsets
from django.views import View
from celery import Celery, shared_task
app = Flask(__name__)
worker = Celery()
@app.route(\"/\")
def index():
    def helper():
        print(\"x\")
    helper()
@api_view([\"GET\"])
def drf(request):
    pass
class Items(viewsets.ModelViewSet):
    def list(self, request):
        pass
    def helper(self):
        pass
class Base(View):
    pass
class Page(Base):
    def get(self, request):
        pass
class Users(MethodView):
    def post(self):
        pass
class Plain:
    def get(self):
        pass
@worker.task(bind=True)
def send(self):
    pass
@shared_task
def cleanup():
    pass
def not_a_view():
    pass
";
        let m = model(text);
        let method_helper = FunctionId(
            m.functions
                .iter()
                .position(|f| f.name == "helper" && f.class.is_some())
                .unwrap(),
        );
        let f = |name: &str| FunctionId(m.functions.iter().position(|f| f.name == name).unwrap());
        assert!(m.is_request_handler(f("index")));
        assert!(m.is_request_handler(f("drf")));
        assert!(m.is_request_handler(f("list")));
        assert!(!m.is_request_handler(method_helper));
        assert!(m.is_request_handler(f("get")));
        assert!(m.is_request_handler(f("post")));
        let plain_get = FunctionId(m.functions.iter().rposition(|f| f.name == "get").unwrap());
        assert!(!m.is_request_handler(plain_get));
        assert!(!m.is_request_handler(f("not_a_view")));
        assert!(m.is_worker_task(f("send")));
        assert!(m.is_worker_task(f("cleanup")));
        assert!(!m.is_worker_task(f("index")));
        assert_eq!(
            m.request_handler_of(nth_call(&m, "print", 0)),
            Some(f("index"))
        );
        assert_eq!(m.classes[0].bases, ["rest_framework.viewsets.ModelViewSet"]);
        assert_eq!(m.classes[2].bases, ["Base"]);
        assert_eq!(m.function(f("list")).class, Some(ClassId(0)));
    }

    #[test]
    fn try_exits_on_success() {
        let text = "\
def fetch():
    while True:
        try:
            return load()
        except OSError:
            pass
        try:
            x = load()
        except OSError:
            return None
        else:
            break
        try:
            try:
                y()
            except KeyError:
                return
        except OSError:
            pass
";
        let m = model(text);
        assert!(m.handlers[0].try_exits);
        assert!(m.handlers[1].try_exits, "else: break");
        assert!(m.handlers[1].body_exits);
        assert!(!m.handlers[2].try_exits);
        assert!(
            !m.handlers[3].try_exits,
            "the return is in a nested handler"
        );
    }

    #[test]
    fn environ_reads() {
        let text = "import os\nfrom os import environ\na = os.environ[\"A\"]\nos.environ[\"B\"] = \"1\"\ndef f():\n    return environ[\"C\"]\nx = other[\"D\"]\n";
        let m = model(text);
        let reads: Vec<(Option<&str>, &Literal, bool)> = m
            .environ_reads
            .iter()
            .map(|r| (r.object_qualname.as_deref(), &r.key, r.function.is_some()))
            .collect();
        assert_eq!(
            reads,
            [
                (Some("os.environ"), &Literal::Str("A".into()), false),
                (Some("os.environ"), &Literal::Str("C".into()), true),
            ]
        );
    }

    #[test]
    fn dict_literals() {
        let m = model(
            "DATABASES = {\"default\": {\"ENGINE\": \"x\", \"CONN_MAX_AGE\": 60}}\nB = {**a, \"k\": 1}\n",
        );
        let databases = &m.assignments[0].value;
        let default = databases.get("default").unwrap();
        assert_eq!(default.get("CONN_MAX_AGE"), Some(&Literal::Int(60)));
        assert_eq!(default.get("CONN_HEALTH_CHECKS"), None);
        assert_eq!(m.assignments[1].value, Literal::Other);
    }

    #[test]
    fn handler_table_parses() {
        let table = handler_table();
        assert!(!table.view_base_classes.is_empty());
        assert!(
            table
                .task_decorators
                .contains(&"celery.shared_task".to_owned())
        );
    }

    #[test]
    fn empty_and_garbage_input() {
        let m = model("");
        assert!(m.calls.is_empty());
        assert_eq!(m.syntax_error, None);
        let m = model(")))(((\n\0\u{feff}é = = =\n");
        assert!(m.syntax_error.is_some());
    }

    #[test]
    fn trivial_function_bodies() {
        let module = model(
            "def a():\n    pass\n\ndef b():\n    \"\"\"Docs.\"\"\"\n    ...\n\ndef c():\n    return\n\ndef d():\n    op.drop_table('x')\n\nf = lambda: None\n",
        );
        let trivial: Vec<(&str, bool)> = module
            .functions
            .iter()
            .map(|f| (f.name.as_str(), f.body_is_trivial))
            .collect();
        assert_eq!(
            trivial,
            [
                ("a", true),
                ("b", true),
                ("c", true),
                ("d", false),
                ("<lambda>", false)
            ]
        );
    }

    #[test]
    fn dict_entries_have_spans() {
        let text = "DATABASES = {\"default\": {\"PASSWORD\": \"s3cret-value\", \"PORT\": 5432}}\nf(options={\"token\": \"abc\"})\n";
        let module = model(text);
        let entries: Vec<(&str, &str)> = module
            .dict_entries
            .iter()
            .map(|e| (e.key.as_str(), &text[e.value_span.start..e.value_span.end]))
            .collect();
        assert_eq!(
            entries,
            [
                (
                    "default",
                    "{\"PASSWORD\": \"s3cret-value\", \"PORT\": 5432}"
                ),
                ("PASSWORD", "\"s3cret-value\""),
                ("PORT", "5432"),
                ("token", "\"abc\""),
            ]
        );
    }
}
