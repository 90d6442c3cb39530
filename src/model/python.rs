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
    /// The first syntax error; the rest of the model is still built around it.
    pub syntax_error: Option<Span>,
    calls_by_qualname: HashMap<String, Vec<usize>, FastHash>,
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
const APP_CONSTRUCTORS: &[(&str, AppKind)] = &[
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
    async_keyword: u16,
    equals_operator: u16,
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
            async_keyword: token("async"),
            equals_operator: token("=="),
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
}

struct Binding {
    /// Where the binding takes effect (the end of the binding statement or clause).
    position: usize,
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
        in_class: bool,
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
}

impl<'a> Tables<'a> {
    fn slice(&self, span: Span) -> &'a str {
        self.text.get(span.start..span.end).unwrap_or("")
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
                references: Vec::new(),
                attribute_spans: Vec::new(),
                call_by_node: HashMap::default(),
                callee_references: Vec::new(),
            },
            calls: Vec::new(),
            functions: Vec::new(),
            decorator_sources: Vec::new(),
            assignments: Vec::new(),
            deferred: Vec::new(),
            imports: Vec::new(),
            app_candidates: Vec::new(),
            ctx: Context {
                scope: MODULE_SCOPE,
                function: None,
                in_main_guard: false,
                in_class: false,
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
                        in_class,
                    } => {
                        self.ctx.scope = scope;
                        self.ctx.function = function;
                        self.ctx.in_class = in_class;
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
        } else if kind == g.identifier || kind == g.comment || kind == g.integer || kind == g.float
        {
            return false;
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
        self.tables.bindings.push(Binding { position, value });
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

    /// What a name bound to `value` holds.
    fn binding_value_of(&mut self, value: Node<'a>) -> BindingValue {
        let g = self.g;
        let value = self.unparenthesize(value);
        let kind = value.kind_id();
        if kind == g.call {
            BindingValue::CallResult(value.id())
        } else if kind == g.identifier || kind == g.attribute {
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
                });
            } else {
                let children = self.children(arguments, true);
                call.arguments.reserve(children.len());
                for &argument in &children {
                    if let Some(parsed) = self.argument(argument) {
                        match parsed.kind {
                            ArgumentKind::ListSplat => call.has_star_args = true,
                            ArgumentKind::DictSplat => call.has_star_kwargs = true,
                            _ => {}
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

    fn argument(&mut self, node: Node<'a>) -> Option<Argument> {
        let g = self.g;
        let kind = node.kind_id();
        let span = Span::new(node.start_byte(), node.end_byte());
        if kind == g.comment {
            return None;
        }
        if kind == g.keyword_argument {
            let name = node.child_by_field_id(g.f_name)?;
            let value = node.child_by_field_id(g.f_value)?;
            return Some(Argument {
                kind: ArgumentKind::Keyword,
                keyword: Some(self.text_of(name).to_owned()),
                keyword_span: Some(Span::new(name.start_byte(), name.end_byte())),
                value: self.literal(value, 0),
                value_span: Span::new(value.start_byte(), value.end_byte()),
                span,
            });
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
            return Some(Argument {
                kind: splat_kind,
                keyword: None,
                keyword_span: None,
                value: Literal::Other,
                value_span: Span::new(inner.start_byte(), inner.end_byte()),
                span,
            });
        }
        Some(Argument {
            kind: ArgumentKind::Positional,
            keyword: None,
            keyword_span: None,
            value: self.literal(node, 0),
            value_span: span,
            span,
        })
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
        } else {
            Literal::Other
        }
    }

    fn record_assignment(&mut self, node: Node<'a>, augmented: bool) {
        let g = self.g;
        let position = node.end_byte();
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
        for target in all_targets {
            let target_kind = target.kind_id();
            // The binding a name target gets.
            if target_kind == g.identifier {
                let binding = match value {
                    Some(value) if !augmented => self.binding_value_of(value),
                    _ => BindingValue::Unknown,
                };
                self.bind(self.ctx.scope, self.text_of(target), position, binding);
            } else if target_kind != g.attribute && target_kind != g.subscript {
                self.bind_pattern_unknown(target, self.ctx.scope, position);
                continue;
            }
            // `x: int` declares without assigning: nothing to record.
            let Some(value) = value else {
                continue;
            };
            self.push_assignment(target, value, augmented);
        }
    }

    fn push_assignment(&mut self, target: Node<'a>, value: Node<'a>, augmented: bool) {
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
                return;
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
            let Some(object) = target.child_by_field_id(g.f_value) else {
                return;
            };
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
        self.functions.push(Function {
            name: name.to_owned(),
            name_span,
            span: Span::new(node.start_byte(), node.end_byte()),
            is_async,
            is_lambda,
            is_method: self.ctx.in_class,
            parent: self.ctx.function,
            decorators,
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
                in_class: false,
            },
        });
    }

    fn bind_parameters(&mut self, parameters: Node<'a>, scope: ScopeId, position: usize) {
        let g = self.g;
        let children = self.children(parameters, true);
        for &parameter in &children {
            let kind = parameter.kind_id();
            let pattern = if kind == g.default_parameter || kind == g.typed_default_parameter {
                parameter.child_by_field_id(g.f_name)
            } else if kind == g.typed_parameter {
                // The first child is the name (or `*name`); the rest is the annotation.
                parameter.named_child(0)
            } else {
                Some(parameter)
            };
            if let Some(pattern) = pattern {
                self.bind_pattern_unknown(pattern, scope, position);
            }
        }
        self.recycle(children);
    }

    fn enter_class(&mut self, node: Node<'a>, depth: u32) {
        let g = self.g;
        if let Some(name) = node.child_by_field_id(g.f_name) {
            self.bind(
                self.ctx.scope,
                self.text_of(name),
                node.end_byte(),
                BindingValue::Unknown,
            );
        }
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
                in_class: true,
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

    fn binding_qualname(&mut self, binding: u32, depth: u32) -> Option<String> {
        match &self.binding_memo[binding as usize] {
            Memo::Done(result) => return result.clone(),
            Memo::InProgress => return None,
            Memo::Todo => {}
        }
        self.binding_memo[binding as usize] = Memo::InProgress;
        let result = match &self.tables.bindings[binding as usize].value {
            BindingValue::Unknown => None,
            BindingValue::Import(qualname) => Some(qualname.clone()),
            BindingValue::Alias(reference) => self.reference_qualname(*reference, depth + 1),
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
