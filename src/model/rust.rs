//! The Rust file model: every call with its resolved path, method chains, literal
//! arguments and context (async, loop, test, statement), built in one `syn::visit` pass.
//!
//! Rules ask questions as lookups: "every `reqwest::Client::new` call" is
//! [`RustFile::calls_to`], "does this builder chain call `.timeout(`" is
//! [`RustFile::chain`] / [`RustFile::chain_after`]. Everything is owned data with byte
//! spans; no syn type escapes, because syn's spans die when the parse ends.
//!
//! Paths are resolved through the file's `use` declarations (treated file-wide, whatever
//! module or function they sit in). Macro bodies are token streams and are not looked
//! into: a call inside `tokio::select!` or `json!` is not in the model.

use std::collections::HashMap;

use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Attribute, Expr, Lit, Stmt, UseTree};

use crate::lang::rust::{ParseError, SpanMap, with_parsed};
use crate::source::Span;

/// Parses `text` and builds its model in one go; the parser's thread-local span data is
/// released before this returns (see [`crate::lang::rust::with_parsed`]).
pub fn parse_and_build(text: &str) -> Result<RustFile, ParseError> {
    with_parsed(text, RustFile::build)
}

/// One Rust source file as rules see it.
#[derive(Debug, Clone, Default)]
pub struct RustFile {
    calls: Vec<Call>,
    calls_by_path: HashMap<String, Vec<usize>>,
    calls_by_method: HashMap<String, Vec<usize>>,
    imports: Vec<Import>,
    /// Local name → full path, for names bound exactly once (or always to the same path).
    import_map: HashMap<String, String>,
    strings: Vec<StringBinding>,
    trust_all_verifiers: Vec<TrustAllVerifier>,
}

/// An `impl ServerCertVerifier for T` (rustls) whose `verify_server_cert` does nothing but
/// return `Ok(ServerCertVerified::assertion())`: every certificate is accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustAllVerifier {
    /// The implementing type as written (`NoCertVerifier`).
    pub type_name: String,
    /// The `verify_server_cert` name in the impl.
    pub span: Span,
    pub in_test: bool,
}

/// A name bound to a string literal: `const API_TOKEN: &str = "..."`, `static`, or
/// `let password = "..."` (a plain identifier pattern).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StringBinding {
    pub name: String,
    pub name_span: Span,
    /// The literal's value (escapes decoded).
    pub value: String,
    /// The literal as written, quotes included.
    pub value_span: Span,
    /// Inside `#[cfg(test)]` code or a test function.
    pub in_test: bool,
}

/// One name brought in by a `use` (or `extern crate`) declaration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    /// The name bound in this file (`Http` in `use reqwest::Client as Http;`); `None` for a
    /// glob (`use tokio::prelude::*;`).
    pub name: Option<String>,
    /// The full path the name stands for (`reqwest::Client`); for a glob, the module
    /// globbed (`tokio::prelude`). No leading `::`.
    pub path: String,
    /// The use-tree leaf (`Client as Http`, `self`, `*`).
    pub span: Span,
}

/// A call expression: `f(..)`, `a::b(..)` or `x.m(..)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// Position in [`RustFile::calls`] (source order, an outer call before the calls
    /// inside it).
    pub index: usize,
    /// The whole expression, from its first token to the closing parenthesis; for a method
    /// call this includes the receiver (`reqwest::Client::builder().build()`).
    pub span: Span,
    /// The callee: the path or expression called, or the method name.
    pub callee_span: Span,
    pub kind: CallKind,
    /// The callee path as written, generic arguments dropped (`Http::new` for
    /// `Http::new()`, `Vec::new` for `Vec::<u8>::new()`). `None` for method calls and
    /// callees that are not paths (or are `<T as Trait>::f` paths).
    pub raw_path: Option<String>,
    /// The full path after `use` resolution (`reqwest::Client::new` for `Http::new()` with
    /// `use reqwest::Client as Http;`). A multi-segment path whose first segment was not
    /// imported is taken as written (`reqwest::get`, `std::thread::sleep`); `crate::`,
    /// `self::`, `super::` paths are kept as written. `None` for a single name that was
    /// not imported (a local function, or something a glob may have brought in).
    pub path: Option<String>,
    pub args: Vec<Arg>,
    /// Inside an `async fn`, `async` block or async closure, and not inside a non-async
    /// closure, nested `fn`, or the arguments of a `spawn_blocking`/`block_in_place` call.
    pub in_async: bool,
    /// Inside the body (or a `while` condition) of a `loop`/`while`/`for` of the same
    /// function, closure or async block.
    pub in_loop: bool,
    /// Inside a `#[cfg(test)]` item or a `#[test]`/`#[tokio::test]`/.. function.
    pub in_test: bool,
    /// The call is an expression statement whose value is dropped (`tokio::spawn(x);`).
    pub is_statement: bool,
    /// The call's value is `.await`ed (possibly after parentheses).
    pub is_awaited: bool,
    /// For a method call: the call whose value it is called on, looking through `.await`,
    /// `?` and parentheses (`a().await?.b()` → `a()`). `None` when the receiver is not a
    /// call (`client.get(..)`).
    pub receiver: Option<usize>,
    /// The method call made on this call's value, the next link of the chain.
    pub next: Option<usize>,
    /// For a method call: what the chain starts from.
    pub chain_root: Option<ChainRoot>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallKind {
    /// `f(..)`, `a::b(..)`, `(expr)(..)`.
    FnCall,
    /// `receiver.method(..)`.
    MethodCall { method: String },
}

/// Where a method-call chain starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainRoot {
    /// A function call (`reqwest::Client::builder()`): its index in [`RustFile::calls`].
    Call(usize),
    /// A path (`client`, `self`, `CONFIG`), with its resolution as for [`Call::path`].
    Path {
        raw_path: String,
        path: Option<String>,
        span: Span,
    },
    /// Anything else (a literal, a field access, a macro, ..).
    Other { span: Span },
}

/// One argument of a call.
#[derive(Debug, Clone, PartialEq)]
pub struct Arg {
    pub span: Span,
    pub value: Literal,
}

/// The value of an argument when it is a literal.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Bool(bool),
    /// An integer literal, negated when written `-N`; `None` if it does not fit.
    Int(Option<i128>),
    Str(String),
    /// A path expression, as written with generic arguments dropped
    /// (`SslVerifyMode::NONE`).
    Path(String),
    /// Not a literal (or a literal of another kind).
    Other,
}

impl Call {
    /// The method name, for a method call.
    pub fn method(&self) -> Option<&str> {
        match &self.kind {
            CallKind::MethodCall { method } => Some(method),
            CallKind::FnCall => None,
        }
    }

    /// The literal value of argument `position`, if there is such an argument.
    pub fn arg(&self, position: usize) -> Option<&Literal> {
        self.args.get(position).map(|arg| &arg.value)
    }
}

impl RustFile {
    /// Names bound to string literals (constants, statics, `let`s).
    pub fn string_bindings(&self) -> &[StringBinding] {
        &self.strings
    }

    /// Marks every call and binding as test code: for files that are tests as a whole (a
    /// crate's `tests/` and `benches/` folders), which carry no `#[cfg(test)]`.
    pub fn mark_as_test_file(&mut self) {
        for binding in &mut self.strings {
            binding.in_test = true;
        }
        for call in &mut self.calls {
            call.in_test = true;
        }
        for verifier in &mut self.trust_all_verifiers {
            verifier.in_test = true;
        }
    }

    /// Certificate verifiers that accept every certificate.
    pub fn trust_all_verifiers(&self) -> &[TrustAllVerifier] {
        &self.trust_all_verifiers
    }

    /// Every call, in source order.
    pub fn calls(&self) -> &[Call] {
        &self.calls
    }

    pub fn call(&self, index: usize) -> Option<&Call> {
        self.calls.get(index)
    }

    /// Function calls whose resolved [`Call::path`] is `path` (`"reqwest::Client::new"`).
    pub fn calls_to<'a>(&'a self, path: &str) -> impl Iterator<Item = &'a Call> + 'a {
        self.indexed(self.calls_by_path.get(path))
    }

    /// Method calls named `method` (`"danger_accept_invalid_certs"`).
    pub fn method_calls<'a>(&'a self, method: &str) -> impl Iterator<Item = &'a Call> + 'a {
        self.indexed(self.calls_by_method.get(method))
    }

    fn indexed<'a>(
        &'a self,
        indices: Option<&'a Vec<usize>>,
    ) -> impl Iterator<Item = &'a Call> + 'a {
        indices
            .into_iter()
            .flatten()
            .filter_map(|&index| self.calls.get(index))
    }

    /// The method calls of `call`'s chain from the first one up to and including `call`
    /// (empty for a function call): for the `.build()` of
    /// `reqwest::Client::builder().timeout(d).build()`, the `.timeout(d)` and `.build()`
    /// calls.
    pub fn chain<'a>(&'a self, call: &'a Call) -> Vec<&'a Call> {
        let mut steps = Vec::new();
        let mut current = Some(call);
        while let Some(step) = current.filter(|step| step.method().is_some()) {
            steps.push(step);
            current = step.receiver.and_then(|index| self.calls.get(index));
        }
        steps.reverse();
        steps
    }

    /// The method calls made on `call`'s value and onward, in order: for the
    /// `reqwest::Client::builder()` call above, `.timeout(d)` then `.build()`.
    pub fn chain_after<'a>(&'a self, call: &Call) -> impl Iterator<Item = &'a Call> + 'a {
        let mut next = call.next;
        std::iter::from_fn(move || {
            let step = self.calls.get(next?)?;
            next = step.next;
            Some(step)
        })
    }

    /// The resolved path of what `call`'s chain starts from (`reqwest::Client::builder`
    /// for any method call of the chain above); for a function call, its own path.
    pub fn chain_root_path<'a>(&'a self, call: &'a Call) -> Option<&'a str> {
        match &call.chain_root {
            None => call.path.as_deref(),
            Some(ChainRoot::Call(index)) => self.calls.get(*index)?.path.as_deref(),
            Some(ChainRoot::Path { path, .. }) => path.as_deref(),
            Some(ChainRoot::Other { .. }) => None,
        }
    }

    /// The `use` and `extern crate` bindings, in source order, globs included.
    pub fn imports(&self) -> &[Import] {
        &self.imports
    }

    /// The full path a local name was imported as; `None` if not imported, or imported
    /// from different paths in different places.
    pub fn resolve_name(&self, name: &str) -> Option<&str> {
        self.import_map.get(name).map(String::as_str)
    }

    /// The full path of a path written in this file (see [`Call::path`]).
    pub fn resolve_path(&self, raw_path: &str) -> Option<String> {
        let (first, rest) = match raw_path.split_once("::") {
            Some((first, rest)) => (first, Some(rest)),
            None => (raw_path, None),
        };
        if matches!(first, "crate" | "self" | "super" | "Self") {
            return Some(raw_path.to_owned());
        }
        match (self.resolve_name(first), rest) {
            (Some(full), Some(rest)) => Some(format!("{full}::{rest}")),
            (Some(full), None) => Some(full.to_owned()),
            (None, Some(_)) => Some(raw_path.to_owned()),
            (None, None) => None,
        }
    }

    /// Builds the model from a parsed file; `map` turns its spans into byte spans.
    pub fn build(file: &syn::File, map: &SpanMap) -> RustFile {
        let mut builder = Builder {
            map,
            calls: Vec::new(),
            imports: Vec::new(),
            absolute: Vec::new(),
            call_of_expr: HashMap::new(),
            context: Context::default(),
            statement_expr: std::ptr::null(),
            depth: 0,
            strings: Vec::new(),
            trust_all_verifiers: Vec::new(),
        };
        builder.visit_file(file);
        let Builder {
            calls,
            imports,
            absolute,
            strings,
            trust_all_verifiers,
            ..
        } = builder;
        let mut model = RustFile {
            calls,
            imports,
            strings,
            trust_all_verifiers,
            ..RustFile::default()
        };
        model.index(&absolute);
        model
    }

    /// Resolves paths once every `use` is known (a `use` may follow the code using it) and
    /// builds the lookup maps.
    fn index(&mut self, absolute: &[usize]) {
        let mut bound: HashMap<&str, Option<&str>> = HashMap::new();
        for import in &self.imports {
            if let Some(name) = &import.name {
                bound
                    .entry(name)
                    .and_modify(|path| {
                        if *path != Some(import.path.as_str()) {
                            *path = None;
                        }
                    })
                    .or_insert(Some(&import.path));
            }
        }
        self.import_map = bound
            .into_iter()
            .filter_map(|(name, path)| Some((name.to_owned(), path?.to_owned())))
            .collect();

        let mut resolved = Vec::with_capacity(self.calls.len());
        for call in &self.calls {
            let is_absolute = absolute.binary_search(&call.index).is_ok();
            let path = match &call.raw_path {
                Some(raw) if is_absolute => Some(raw.clone()),
                Some(raw) => self.resolve_path(raw),
                None => None,
            };
            let root = match &call.chain_root {
                Some(ChainRoot::Path { raw_path, .. }) => self.resolve_path(raw_path),
                _ => None,
            };
            resolved.push((path, root));
        }
        for (call, (path, root)) in self.calls.iter_mut().zip(resolved) {
            call.path = path;
            if let Some(ChainRoot::Path { path, .. }) = &mut call.chain_root {
                *path = root;
            }
            if let Some(path) = &call.path {
                self.calls_by_path
                    .entry(path.clone())
                    .or_default()
                    .push(call.index);
            }
            if let CallKind::MethodCall { method } = &call.kind {
                self.calls_by_method
                    .entry(method.clone())
                    .or_default()
                    .push(call.index);
            }
        }
    }
}

/// Where the visitor is: what encloses the node being visited.
#[derive(Debug, Clone, Copy, Default)]
struct Context {
    in_async: bool,
    in_loop: bool,
    in_test: bool,
}

/// Deeper expressions are not visited. The parser's nesting check keeps real input far
/// below this; it is a second fence for the visitor's own recursion.
const MAX_VISIT_DEPTH: usize = 4_000;

struct Builder<'m, 't> {
    map: &'m SpanMap<'t>,
    calls: Vec<Call>,
    imports: Vec<Import>,
    /// Indices of calls whose path was written with a leading `::` (never looked up).
    absolute: Vec<usize>,
    /// The call recorded for an expression node, to link a method call to its receiver.
    /// Keys are node addresses, valid while the tree is borrowed.
    call_of_expr: HashMap<*const Expr, usize>,
    context: Context,
    /// The expression of the expression statement (`expr;`) being visited.
    statement_expr: *const Expr,
    depth: usize,
    strings: Vec<StringBinding>,
    trust_all_verifiers: Vec<TrustAllVerifier>,
}

impl Builder<'_, '_> {
    /// Records `block` when it implements rustls's `ServerCertVerifier` with a
    /// `verify_server_cert` whose whole body is `Ok(ServerCertVerified::assertion())`.
    fn record_trust_all_verifier(&mut self, block: &syn::ItemImpl) {
        let Some((trait_path, _)) = &block.trait_ else {
            return;
        };
        if trait_path
            .segments
            .last()
            .is_none_or(|s| s.ident != "ServerCertVerifier")
        {
            return;
        }
        let syn::Type::Path(self_type) = block.self_ty.as_ref() else {
            return;
        };
        let Some(type_name) = self_type.path.segments.last().map(|s| s.ident.to_string()) else {
            return;
        };
        for item in &block.items {
            let syn::ImplItem::Fn(function) = item else {
                continue;
            };
            if function.sig.ident != "verify_server_cert" || !accepts_unchecked(&function.block) {
                continue;
            }
            let in_test = self.context.in_test || function.attrs.iter().any(is_cfg_test);
            self.trust_all_verifiers.push(TrustAllVerifier {
                type_name: type_name.clone(),
                span: self.span(function.sig.ident.span()),
                in_test,
            });
        }
    }

    /// Records `name = "literal"` when `expr` is a string literal.
    fn record_string(&mut self, ident: &syn::Ident, expr: &Expr) {
        if let Expr::Lit(syn::ExprLit {
            lit: Lit::Str(lit), ..
        }) = strip_parens(expr)
        {
            let binding = StringBinding {
                name: unraw(&ident.to_string()),
                name_span: self.span(ident.span()),
                value: lit.value(),
                value_span: self.span(lit.span()),
                in_test: self.context.in_test,
            };
            self.strings.push(binding);
        }
    }

    fn span(&self, span: proc_macro2::Span) -> Span {
        self.map.span(span)
    }

    /// Runs `visit` with `context`, then restores the enclosing one.
    fn within(&mut self, context: Context, visit: impl FnOnce(&mut Self)) {
        let saved = std::mem::replace(&mut self.context, context);
        visit(self);
        self.context = saved;
    }

    /// The context of a function body: a fresh one, async if the function is.
    fn function_context(&self, is_async: bool, attrs: &[Attribute]) -> Context {
        Context {
            in_async: is_async,
            in_loop: false,
            in_test: self.context.in_test || attrs.iter().any(is_test_attribute),
        }
    }

    fn item_context(&self, attrs: &[Attribute]) -> Context {
        Context {
            in_test: self.context.in_test || attrs.iter().any(is_cfg_test),
            ..self.context
        }
    }

    fn record_call(
        &mut self,
        expr: &Expr,
        span_start: usize,
        callee_span: Span,
        close: Span,
    ) -> usize {
        let index = self.calls.len();
        self.calls.push(Call {
            index,
            span: Span::new(span_start, close.end.max(span_start)),
            callee_span,
            kind: CallKind::FnCall,
            raw_path: None,
            path: None,
            args: Vec::new(),
            in_async: self.context.in_async,
            in_loop: self.context.in_loop,
            in_test: self.context.in_test,
            is_statement: std::ptr::eq(expr, self.statement_expr),
            is_awaited: false,
            receiver: None,
            next: None,
            chain_root: None,
        });
        self.call_of_expr.insert(expr as *const Expr, index);
        index
    }

    fn visit_call(&mut self, expr: &Expr, call: &syn::ExprCall) {
        let start = self.map.start(expr_start(&call.func));
        let (callee_span, raw_path, absolute) = match strip_parens(&call.func) {
            Expr::Path(path) if path.qself.is_none() => (
                self.path_span(&path.path),
                Some(path_text(&path.path)),
                path.path.leading_colon.is_some(),
            ),
            _ => (self.expr_span(&call.func), None, false),
        };
        let close = self.span(call.paren_token.span.close());
        let index = self.record_call(expr, start, callee_span, close);
        if absolute {
            self.absolute.push(index);
        }
        let runs_blocking_code = raw_path.as_deref().is_some_and(is_blocking_wrapper);
        self.calls[index].raw_path = raw_path;
        self.calls[index].args = call.args.iter().map(|arg| self.arg(arg)).collect();

        for attr in &call.attrs {
            self.visit_attribute(attr);
        }
        self.visit_expr(&call.func);
        self.visit_args(call.args.iter(), runs_blocking_code);
    }

    fn visit_method_call(&mut self, expr: &Expr, call: &syn::ExprMethodCall) {
        let start = self.map.start(expr_start(&call.receiver));
        let callee_span = self.span(call.method.span());
        let close = self.span(call.paren_token.span.close());
        let index = self.record_call(expr, start, callee_span, close);
        let method = unraw(&call.method.to_string());
        let runs_blocking_code = is_blocking_wrapper(&method);
        self.calls[index].kind = CallKind::MethodCall { method };
        self.calls[index].args = call.args.iter().map(|arg| self.arg(arg)).collect();

        for attr in &call.attrs {
            self.visit_attribute(attr);
        }
        self.visit_expr(&call.receiver);
        self.link_receiver(index, &call.receiver);
        if let Some(turbofish) = &call.turbofish {
            self.visit_angle_bracketed_generic_arguments(turbofish);
        }
        self.visit_args(call.args.iter(), runs_blocking_code);
    }

    /// Connects method call `index` to the call its receiver is (already recorded, since
    /// the receiver was visited first) and records where the chain starts.
    fn link_receiver(&mut self, index: usize, receiver: &Expr) {
        let receiver = through_await_and_try(receiver);
        let root = match self.call_of_expr.get(&(receiver as *const Expr)).copied() {
            Some(receiver_index) => {
                self.calls[index].receiver = Some(receiver_index);
                self.calls[receiver_index].next = Some(index);
                match &self.calls[receiver_index].chain_root {
                    Some(root) => root.clone(),
                    None => ChainRoot::Call(receiver_index),
                }
            }
            None => match receiver {
                Expr::Path(path) if path.qself.is_none() => ChainRoot::Path {
                    raw_path: path_text(&path.path),
                    path: None,
                    span: self.path_span(&path.path),
                },
                other => ChainRoot::Other {
                    span: self.expr_span(other),
                },
            },
        };
        self.calls[index].chain_root = Some(root);
    }

    fn visit_args<'a>(&mut self, args: impl Iterator<Item = &'a Expr>, runs_blocking_code: bool) {
        let context = Context {
            in_async: self.context.in_async && !runs_blocking_code,
            ..self.context
        };
        self.within(context, |this| {
            for arg in args {
                this.visit_expr(arg);
            }
        });
    }

    fn arg(&self, arg: &Expr) -> Arg {
        Arg {
            span: self.expr_span(arg),
            value: literal(arg),
        }
    }

    /// From the expression's first token to its last.
    fn expr_span(&self, expr: &Expr) -> Span {
        let start = self.map.start(expr_start(expr));
        Span::new(start, self.map.end(expr_end(expr)).max(start))
    }

    /// From the path's first token to the end of its last segment's name.
    fn path_span(&self, path: &syn::Path) -> Span {
        let start = match &path.leading_colon {
            Some(colon) => colon.spans[0],
            None => match path.segments.first() {
                Some(segment) => segment.ident.span(),
                None => return Span::default(),
            },
        };
        let end = path
            .segments
            .last()
            .map_or(start, |segment| segment.ident.span());
        let start = self.map.start(start);
        Span::new(start, self.map.end(end).max(start))
    }

    fn record_use_tree(&mut self, tree: &UseTree) {
        let mut pending: Vec<(Vec<String>, &UseTree)> = vec![(Vec::new(), tree)];
        while let Some((prefix, tree)) = pending.pop() {
            match tree {
                UseTree::Path(path) => {
                    let mut prefix = prefix;
                    prefix.push(unraw(&path.ident.to_string()));
                    pending.push((prefix, &path.tree));
                }
                UseTree::Name(name) => {
                    let ident = unraw(&name.ident.to_string());
                    let span = self.span(name.ident.span());
                    if ident == "self" {
                        if let Some(last) = prefix.last() {
                            self.add_import(Some(last.clone()), prefix.join("::"), span);
                        }
                    } else {
                        let mut path = prefix;
                        path.push(ident.clone());
                        self.add_import(Some(ident), path.join("::"), span);
                    }
                }
                UseTree::Rename(rename) => {
                    let ident = unraw(&rename.ident.to_string());
                    let alias = unraw(&rename.rename.to_string());
                    let span = self.span_between(rename.ident.span(), rename.rename.span());
                    let mut path = prefix;
                    if ident != "self" {
                        path.push(ident);
                    }
                    if alias != "_" && !path.is_empty() {
                        self.add_import(Some(alias), path.join("::"), span);
                    }
                }
                UseTree::Glob(glob) => {
                    let span = self.span(glob.star_token.spans[0]);
                    self.add_import(None, prefix.join("::"), span);
                }
                UseTree::Group(group) => {
                    // Reversed so that the stack yields them in source order.
                    for item in group.items.iter().rev() {
                        pending.push((prefix.clone(), item));
                    }
                }
            }
        }
    }

    fn span_between(&self, first: proc_macro2::Span, last: proc_macro2::Span) -> Span {
        let start = self.map.start(first);
        Span::new(start, self.map.end(last).max(start))
    }

    fn add_import(&mut self, name: Option<String>, path: String, span: Span) {
        self.imports.push(Import { name, path, span });
    }
}

impl<'ast> Visit<'ast> for Builder<'_, '_> {
    fn visit_expr(&mut self, expr: &'ast Expr) {
        if self.depth >= MAX_VISIT_DEPTH {
            return;
        }
        self.depth += 1;
        match expr {
            Expr::Call(call) => self.visit_call(expr, call),
            Expr::MethodCall(call) => self.visit_method_call(expr, call),
            Expr::Await(awaited) => {
                visit::visit_expr_await(self, awaited);
                let target = strip_parens(&awaited.base);
                if let Some(&index) = self.call_of_expr.get(&(target as *const Expr)) {
                    self.calls[index].is_awaited = true;
                }
            }
            Expr::Async(block) => {
                let context = Context {
                    in_async: true,
                    in_loop: false,
                    ..self.context
                };
                self.within(context, |this| visit::visit_expr_async(this, block));
            }
            Expr::Closure(closure) => {
                let context = Context {
                    in_async: closure.asyncness.is_some(),
                    in_loop: false,
                    ..self.context
                };
                self.within(context, |this| visit::visit_expr_closure(this, closure));
            }
            Expr::Loop(looping) => {
                for attr in &looping.attrs {
                    self.visit_attribute(attr);
                }
                let context = Context {
                    in_loop: true,
                    ..self.context
                };
                self.within(context, |this| this.visit_block(&looping.body));
            }
            Expr::While(looping) => {
                for attr in &looping.attrs {
                    self.visit_attribute(attr);
                }
                // The condition runs on every iteration, like the body.
                let context = Context {
                    in_loop: true,
                    ..self.context
                };
                self.within(context, |this| {
                    this.visit_expr(&looping.cond);
                    this.visit_block(&looping.body);
                });
            }
            Expr::ForLoop(looping) => {
                for attr in &looping.attrs {
                    self.visit_attribute(attr);
                }
                // The iterator expression runs once, before the loop.
                self.visit_pat(&looping.pat);
                self.visit_expr(&looping.expr);
                let context = Context {
                    in_loop: true,
                    ..self.context
                };
                self.within(context, |this| this.visit_block(&looping.body));
            }
            _ => visit::visit_expr(self, expr),
        }
        self.depth -= 1;
    }

    fn visit_stmt(&mut self, stmt: &'ast Stmt) {
        if let Stmt::Expr(expr, Some(_semicolon)) = stmt {
            let saved = std::mem::replace(&mut self.statement_expr, expr as *const Expr);
            self.visit_expr(expr);
            self.statement_expr = saved;
        } else {
            visit::visit_stmt(self, stmt);
        }
    }

    fn visit_item_fn(&mut self, function: &'ast syn::ItemFn) {
        let context = self.function_context(function.sig.asyncness.is_some(), &function.attrs);
        self.within(context, |this| visit::visit_item_fn(this, function));
    }

    fn visit_impl_item_fn(&mut self, function: &'ast syn::ImplItemFn) {
        let context = self.function_context(function.sig.asyncness.is_some(), &function.attrs);
        self.within(context, |this| visit::visit_impl_item_fn(this, function));
    }

    fn visit_trait_item_fn(&mut self, function: &'ast syn::TraitItemFn) {
        let context = self.function_context(function.sig.asyncness.is_some(), &function.attrs);
        self.within(context, |this| visit::visit_trait_item_fn(this, function));
    }

    fn visit_item_mod(&mut self, module: &'ast syn::ItemMod) {
        let context = self.item_context(&module.attrs);
        self.within(context, |this| visit::visit_item_mod(this, module));
    }

    fn visit_item_impl(&mut self, block: &'ast syn::ItemImpl) {
        let context = self.item_context(&block.attrs);
        self.within(context, |this| {
            this.record_trust_all_verifier(block);
            visit::visit_item_impl(this, block)
        });
    }

    fn visit_item_trait(&mut self, block: &'ast syn::ItemTrait) {
        let context = self.item_context(&block.attrs);
        self.within(context, |this| visit::visit_item_trait(this, block));
    }

    fn visit_item_const(&mut self, item: &'ast syn::ItemConst) {
        let context = Context {
            in_async: false,
            in_loop: false,
            ..self.item_context(&item.attrs)
        };
        self.within(context, |this| {
            this.record_string(&item.ident, &item.expr);
            visit::visit_item_const(this, item);
        });
    }

    fn visit_local(&mut self, local: &'ast syn::Local) {
        let pat = match &local.pat {
            syn::Pat::Type(typed) => typed.pat.as_ref(),
            pat => pat,
        };
        if let (syn::Pat::Ident(ident), Some(init)) = (pat, &local.init) {
            self.record_string(&ident.ident, &init.expr);
        }
        visit::visit_local(self, local);
    }

    fn visit_item_static(&mut self, item: &'ast syn::ItemStatic) {
        let context = Context {
            in_async: false,
            in_loop: false,
            ..self.item_context(&item.attrs)
        };
        self.within(context, |this| {
            this.record_string(&item.ident, &item.expr);
            visit::visit_item_static(this, item);
        });
    }

    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        self.record_use_tree(&item.tree);
    }

    fn visit_item_extern_crate(&mut self, item: &'ast syn::ItemExternCrate) {
        let name = unraw(&item.ident.to_string());
        let span = self.span(item.ident.span());
        match &item.rename {
            Some((_, alias)) => {
                let alias = unraw(&alias.to_string());
                if alias != "_" {
                    self.add_import(Some(alias), name, span);
                }
            }
            None => self.add_import(Some(name.clone()), name, span),
        }
    }
}

/// `#[test]`, `#[tokio::test]`, `#[async_std::test]`, `#[actix_web::test]`, .. or
/// `#[cfg(test)]`.
fn is_test_attribute(attr: &Attribute) -> bool {
    attr.path()
        .segments
        .last()
        .is_some_and(|segment| segment.ident == "test")
        || is_cfg_test(attr)
}

/// `#[cfg(test)]` or `#[cfg(all(.., test, ..))]` (not `not(test)`, not `any(..)`).
fn is_cfg_test(attr: &Attribute) -> bool {
    let syn::Meta::List(list) = &attr.meta else {
        return false;
    };
    if !list.path.is_ident("cfg") {
        return false;
    }
    let mut tokens = list.tokens.clone().into_iter();
    match tokens.next() {
        Some(proc_macro2::TokenTree::Ident(ident)) if ident == "test" => tokens.next().is_none(),
        Some(proc_macro2::TokenTree::Ident(ident)) if ident == "all" => match tokens.next() {
            Some(proc_macro2::TokenTree::Group(group)) => group.stream().into_iter().any(
                |token| matches!(&token, proc_macro2::TokenTree::Ident(ident) if ident == "test"),
            ),
            _ => false,
        },
        _ => false,
    }
}

/// Calls whose closure argument runs on a blocking-friendly thread, outside async context.
fn is_blocking_wrapper(path_or_method: &str) -> bool {
    let last = path_or_method.rsplit("::").next().unwrap_or(path_or_method);
    matches!(last, "spawn_blocking" | "block_in_place")
}

/// Path segments joined by `::`, generic arguments and any leading `::` dropped.
fn path_text(path: &syn::Path) -> String {
    let mut text = String::new();
    for (position, segment) in path.segments.iter().enumerate() {
        if position > 0 {
            text.push_str("::");
        }
        text.push_str(&unraw(&segment.ident.to_string()));
    }
    text
}

/// `r#type` → `type`.
fn unraw(ident: &str) -> String {
    ident.strip_prefix("r#").unwrap_or(ident).to_owned()
}

fn strip_parens(mut expr: &Expr) -> &Expr {
    loop {
        match expr {
            Expr::Paren(paren) => expr = &paren.expr,
            Expr::Group(group) => expr = &group.expr,
            _ => return expr,
        }
    }
}

/// The expression a method is really called on: `a().await?` → `a()`.
fn through_await_and_try(mut expr: &Expr) -> &Expr {
    loop {
        match expr {
            Expr::Paren(paren) => expr = &paren.expr,
            Expr::Group(group) => expr = &group.expr,
            Expr::Await(awaited) => expr = &awaited.base,
            Expr::Try(tried) => expr = &tried.expr,
            _ => return expr,
        }
    }
}

/// The span of an expression's first token, found by walking down the left edge rather
/// than re-printing the expression (which `Spanned::span` does, at a cost linear in its
/// size).
fn expr_start(mut expr: &Expr) -> proc_macro2::Span {
    loop {
        expr = match expr {
            Expr::Call(call) => &call.func,
            Expr::MethodCall(call) => &call.receiver,
            Expr::Field(field) => &field.base,
            Expr::Await(awaited) => &awaited.base,
            Expr::Try(tried) => &tried.expr,
            Expr::Index(index) => &index.expr,
            Expr::Binary(binary) => &binary.left,
            Expr::Cast(cast) => &cast.expr,
            Expr::Assign(assign) => &assign.left,
            Expr::Path(path) => {
                return match &path.qself {
                    Some(qself) => qself.lt_token.spans[0],
                    None => path_start(&path.path).unwrap_or_else(|| expr.span()),
                };
            }
            Expr::Struct(init) => {
                return match &init.qself {
                    Some(qself) => qself.lt_token.spans[0],
                    None => path_start(&init.path).unwrap_or_else(|| expr.span()),
                };
            }
            Expr::Closure(closure) if closure.lifetimes.is_none() => {
                return closure
                    .constness
                    .map(|token| token.span)
                    .or(closure.asyncness.map(|token| token.span))
                    .or(closure.capture.map(|token| token.span))
                    .unwrap_or(closure.inputs_begin.spans[0]);
            }
            Expr::Async(block) => return block.async_token.span,
            Expr::Block(block) if block.label.is_none() => {
                return block.block.brace_token.span.open();
            }
            Expr::Unsafe(block) => return block.unsafe_token.span,
            Expr::If(branch) => return branch.if_token.span,
            Expr::Match(branch) => return branch.match_token.span,
            Expr::Loop(looping) if looping.label.is_none() => return looping.loop_token.span,
            Expr::While(looping) if looping.label.is_none() => return looping.while_token.span,
            Expr::ForLoop(looping) if looping.label.is_none() => return looping.for_token.span,
            Expr::Return(returning) => return returning.return_token.span,
            Expr::Repeat(repeat) => return repeat.bracket_token.span.open(),
            Expr::Lit(lit) => return lit.lit.span(),
            Expr::Paren(paren) => return paren.paren_token.span.open(),
            Expr::Tuple(tuple) => return tuple.paren_token.span.open(),
            Expr::Array(array) => return array.bracket_token.span.open(),
            Expr::Reference(reference) => return reference.and_token.spans[0],
            Expr::Unary(unary) => {
                return match &unary.op {
                    syn::UnOp::Deref(star) => star.spans[0],
                    syn::UnOp::Not(bang) => bang.spans[0],
                    syn::UnOp::Neg(minus) => minus.spans[0],
                    _ => expr.span(),
                };
            }
            Expr::Macro(mac) => return path_start(&mac.mac.path).unwrap_or_else(|| expr.span()),
            _ => return expr.span(),
        };
    }
}

fn path_start(path: &syn::Path) -> Option<proc_macro2::Span> {
    match &path.leading_colon {
        Some(colon) => Some(colon.spans[0]),
        None => path.segments.first().map(|segment| segment.ident.span()),
    }
}

/// The span of an expression's last token, walking down the right edge.
fn expr_end(mut expr: &Expr) -> proc_macro2::Span {
    loop {
        expr = match expr {
            Expr::Call(call) => return call.paren_token.span.close(),
            Expr::MethodCall(call) => return call.paren_token.span.close(),
            Expr::Field(field) => return field.member.span(),
            Expr::Await(awaited) => return awaited.await_token.span,
            Expr::Try(tried) => return tried.question_token.spans[0],
            Expr::Index(index) => return index.bracket_token.span.close(),
            Expr::Binary(binary) => &binary.right,
            Expr::Assign(assign) => &assign.right,
            Expr::Unary(unary) => &unary.expr,
            Expr::Reference(reference) => &reference.expr,
            Expr::Path(path) => match path.path.segments.last() {
                Some(segment) if matches!(segment.arguments, syn::PathArguments::None) => {
                    return segment.ident.span();
                }
                _ => return expr.span(),
            },
            Expr::Lit(lit) => return lit.lit.span(),
            Expr::Paren(paren) => return paren.paren_token.span.close(),
            Expr::Tuple(tuple) => return tuple.paren_token.span.close(),
            Expr::Array(array) => return array.bracket_token.span.close(),
            Expr::Macro(mac) => return mac.mac.delimiter.span().close(),
            Expr::Closure(closure) => &closure.body,
            Expr::Block(block) => return block.block.brace_token.span.close(),
            Expr::Async(block) => return block.block.brace_token.span.close(),
            Expr::Struct(init) => return init.brace_token.span.close(),
            Expr::If(branch) => match &branch.else_branch {
                Some((_, otherwise)) => otherwise,
                None => return branch.then_branch.brace_token.span.close(),
            },
            Expr::Match(branch) => return branch.brace_token.span.close(),
            Expr::Unsafe(block) => return block.block.brace_token.span.close(),
            Expr::Loop(looping) => return looping.body.brace_token.span.close(),
            Expr::While(looping) => return looping.body.brace_token.span.close(),
            Expr::ForLoop(looping) => return looping.body.brace_token.span.close(),
            Expr::Repeat(repeat) => return repeat.bracket_token.span.close(),
            Expr::Return(returning) => match &returning.expr {
                Some(value) => value,
                None => return returning.return_token.span,
            },
            _ => return expr.span(),
        };
    }
}

/// Is the body only `Ok(ServerCertVerified::assertion())` (as its value or returned)?
fn accepts_unchecked(body: &syn::Block) -> bool {
    let [statement] = body.stmts.as_slice() else {
        return false;
    };
    let value = match statement {
        syn::Stmt::Expr(Expr::Return(returned), _) => match &returned.expr {
            Some(value) => value.as_ref(),
            None => return false,
        },
        syn::Stmt::Expr(value, None) => value,
        _ => return false,
    };
    let Expr::Call(ok) = strip_parens(value) else {
        return false;
    };
    let args: Vec<&Expr> = ok.args.iter().collect();
    let (Expr::Path(callee), [inner]) = (ok.func.as_ref(), args.as_slice()) else {
        return false;
    };
    if callee.path.segments.last().is_none_or(|s| s.ident != "Ok") {
        return false;
    }
    let Expr::Call(assertion) = strip_parens(inner) else {
        return false;
    };
    let Expr::Path(assertion_path) = assertion.func.as_ref() else {
        return false;
    };
    let called = path_text(&assertion_path.path);
    assertion.args.is_empty()
        && (called == "ServerCertVerified::assertion"
            || called.ends_with("::ServerCertVerified::assertion"))
}

fn literal(expr: &Expr) -> Literal {
    match strip_parens(expr) {
        Expr::Path(path) if path.qself.is_none() => Literal::Path(path_text(&path.path)),
        Expr::Lit(lit) => match &lit.lit {
            Lit::Bool(value) => Literal::Bool(value.value),
            Lit::Int(value) => Literal::Int(value.base10_parse::<i128>().ok()),
            Lit::Str(value) => Literal::Str(value.value()),
            _ => Literal::Other,
        },
        Expr::Unary(syn::ExprUnary {
            op: syn::UnOp::Neg(_),
            expr,
            ..
        }) => match strip_parens(expr) {
            Expr::Lit(syn::ExprLit {
                lit: Lit::Int(value),
                ..
            }) => Literal::Int(
                value
                    .base10_parse::<i128>()
                    .ok()
                    .and_then(i128::checked_neg),
            ),
            _ => Literal::Other,
        },
        _ => Literal::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(text: &str) -> RustFile {
        parse_and_build(text).expect("parses")
    }

    fn slice(text: &str, span: Span) -> &str {
        &text[span.start..span.end]
    }

    fn only<'a>(file: &'a RustFile, path: &str) -> &'a Call {
        let calls: Vec<&Call> = file.calls_to(path).collect();
        assert_eq!(calls.len(), 1, "calls to {path}: {calls:#?}");
        calls[0]
    }

    fn method<'a>(file: &'a RustFile, name: &str) -> &'a Call {
        let calls: Vec<&Call> = file.method_calls(name).collect();
        assert_eq!(calls.len(), 1, "calls of .{name}: {calls:#?}");
        calls[0]
    }

    #[test]
    fn use_aliases_resolve_calls() {
        let text = "use reqwest::Client;\nuse reqwest::Client as Http;\n\
                    fn f() { let a = Client::new(); let b = Http::new(); }";
        let file = model(text);
        let calls: Vec<&Call> = file.calls_to("reqwest::Client::new").collect();
        assert_eq!(calls.len(), 2);
        assert_eq!(calls[0].raw_path.as_deref(), Some("Client::new"));
        assert_eq!(calls[1].raw_path.as_deref(), Some("Http::new"));
        assert_eq!(slice(text, calls[1].span), "Http::new()");
        assert_eq!(slice(text, calls[1].callee_span), "Http::new");
        assert_eq!(calls[1].kind, CallKind::FnCall);
        assert_eq!(file.resolve_name("Http"), Some("reqwest::Client"));
    }

    #[test]
    fn grouped_nested_and_self_imports() {
        let text = "use tokio::{sync::mpsc, time};\nuse reqwest;\n\
                    use std::sync::mpsc::{self as std_mpsc, channel};\n\
                    use a::{b::{c, d as e}, f::{self}};\nuse ::crossbeam_channel::unbounded;\n\
                    use foo::*;\nuse bar::Thing as _;\n";
        let file = model(text);
        let names: Vec<(Option<&str>, &str)> = file
            .imports()
            .iter()
            .map(|i| (i.name.as_deref(), i.path.as_str()))
            .collect();
        assert_eq!(
            names,
            vec![
                (Some("mpsc"), "tokio::sync::mpsc"),
                (Some("time"), "tokio::time"),
                (Some("reqwest"), "reqwest"),
                (Some("std_mpsc"), "std::sync::mpsc"),
                (Some("channel"), "std::sync::mpsc::channel"),
                (Some("c"), "a::b::c"),
                (Some("e"), "a::b::d"),
                (Some("f"), "a::f"),
                (Some("unbounded"), "crossbeam_channel::unbounded"),
                (None, "foo"),
            ]
        );
        let rename = &file.imports()[6];
        assert_eq!(slice(text, rename.span), "d as e");
        assert_eq!(slice(text, file.imports()[7].span), "self");
        assert_eq!(slice(text, file.imports()[9].span), "*");
    }

    #[test]
    fn self_in_group_resolves_module_calls() {
        let text = "use std::sync::mpsc::{self, channel};\n\
                    fn f() { let (a, b) = mpsc::channel(); let (c, d) = channel(); mpsc::sync_channel(1); }";
        let file = model(text);
        assert_eq!(file.calls_to("std::sync::mpsc::channel").count(), 2);
        assert_eq!(
            only(&file, "std::sync::mpsc::sync_channel").arg(0),
            Some(&Literal::Int(Some(1)))
        );
    }

    #[test]
    fn unresolved_and_verbatim_paths() {
        let text = "use foo::*;\nuse crate::net::Client;\n\
                    fn f() { helper(); reqwest::get(u); ::std::thread::sleep(d); Client::new(); \
                    self::g(); Vec::<u8>::with_capacity(4); <T as Default>::default(); }";
        let file = model(text);
        let helper = &file.calls()[0];
        assert_eq!(helper.raw_path.as_deref(), Some("helper"));
        assert_eq!(helper.path, None, "a single name that may come from a glob");
        assert_eq!(
            only(&file, "reqwest::get").raw_path.as_deref(),
            Some("reqwest::get")
        );
        let sleep = only(&file, "std::thread::sleep");
        assert_eq!(slice(text, sleep.span), "::std::thread::sleep(d)");
        only(&file, "crate::net::Client::new");
        only(&file, "self::g");
        let vec = only(&file, "Vec::with_capacity");
        assert_eq!(slice(text, vec.callee_span), "Vec::<u8>::with_capacity");
        let qualified = file.calls().last().expect("a call");
        assert_eq!(
            (qualified.raw_path.as_deref(), qualified.path.as_deref()),
            (None, None)
        );
        assert_eq!(slice(text, qualified.span), "<T as Default>::default()");
    }

    #[test]
    fn use_after_code_still_resolves() {
        let file = model("fn f() { sleep(d); }\nuse std::thread::sleep;");
        only(&file, "std::thread::sleep");
    }

    #[test]
    fn conflicting_imports_stay_unresolved() {
        let file =
            model("mod a { use x::Client; }\nmod b { use y::Client; }\nfn f() { Client::new(); }");
        assert_eq!(file.resolve_name("Client"), None);
        // An unresolved first segment keeps the path as written.
        only(&file, "Client::new");
    }

    #[test]
    fn extern_crate_alias() {
        let file = model("extern crate reqwest as rq;\nfn f() { rq::get(u); }");
        only(&file, "reqwest::get");
    }

    #[test]
    fn builder_chain_without_timeout() {
        let text = "use reqwest::Client;\n\
                    fn f() { let c = Client::builder().user_agent(\"x\").build(); }";
        let file = model(text);
        let root = only(&file, "reqwest::Client::builder");
        let methods: Vec<&str> = file.chain_after(root).filter_map(Call::method).collect();
        assert_eq!(methods, vec!["user_agent", "build"]);
        let build = method(&file, "build");
        assert_eq!(
            slice(text, build.span),
            "Client::builder().user_agent(\"x\").build()"
        );
        assert_eq!(slice(text, build.callee_span), "build");
        assert_eq!(build.chain_root, Some(ChainRoot::Call(root.index)));
        assert_eq!(
            file.chain_root_path(build),
            Some("reqwest::Client::builder")
        );
        let chain = file.chain(build);
        let names: Vec<&str> = chain.iter().filter_map(|c| c.method()).collect();
        assert_eq!(names, vec!["user_agent", "build"]);
        assert_eq!(slice(text, chain[0].callee_span), "user_agent");
        assert_eq!(chain[0].arg(0), Some(&Literal::Str("x".into())));
        assert!(!names.contains(&"timeout"));
        assert_eq!(build.next, None);
    }

    #[test]
    fn builder_chain_with_timeout_across_await_and_try() {
        let text = "async fn f() -> R { \
                    let c = reqwest::Client::builder()\n    .timeout(Duration::from_secs(10))\n    .build()?; \
                    let body = reqwest::get(u).await?.text().await?; Ok(()) }";
        let file = model(text);
        let build = method(&file, "build");
        let names: Vec<&str> = file
            .chain(build)
            .iter()
            .filter_map(|c| c.method())
            .collect();
        assert_eq!(names, vec!["timeout", "build"]);
        assert_eq!(
            file.chain_root_path(build),
            Some("reqwest::Client::builder")
        );
        let timeout = method(&file, "timeout");
        assert_eq!(timeout.arg(0), Some(&Literal::Other));
        assert_eq!(slice(text, timeout.args[0].span), "Duration::from_secs(10)");
        only(&file, "Duration::from_secs");

        let text_call = method(&file, "text");
        let get = only(&file, "reqwest::get");
        assert!(get.is_awaited);
        assert!(text_call.is_awaited);
        assert_eq!(text_call.receiver, Some(get.index));
        assert_eq!(file.chain_root_path(text_call), Some("reqwest::get"));
        assert_eq!(slice(text, text_call.span), "reqwest::get(u).await?.text()");
    }

    #[test]
    fn chain_from_a_variable() {
        let text = "use std::process::Command;\nfn f(client: &C) { client.get(u).send(); \
                    Command::new(\"ls\").arg(\"-l\").output(); }";
        let file = model(text);
        let send = method(&file, "send");
        match &send.chain_root {
            Some(ChainRoot::Path {
                raw_path,
                path,
                span,
            }) => {
                assert_eq!(raw_path, "client");
                assert_eq!(path, &None);
                assert_eq!(slice(text, *span), "client");
            }
            other => panic!("unexpected root {other:?}"),
        }
        let output = method(&file, "output");
        assert_eq!(
            file.chain_root_path(output),
            Some("std::process::Command::new")
        );
    }

    #[test]
    fn literal_arguments() {
        let text = "fn f() { b.danger_accept_invalid_certs(true).danger_accept_invalid_hostnames(false)\
                    .pool_max_idle_per_host(-3).x((7), 1.5, 'c', 0xff, 99999999999999999999999999999999999999999); }";
        let file = model(text);
        let certs = method(&file, "danger_accept_invalid_certs");
        assert_eq!(certs.args.len(), 1);
        assert_eq!(certs.arg(0), Some(&Literal::Bool(true)));
        assert_eq!(slice(text, certs.args[0].span), "true");
        assert_eq!(
            method(&file, "danger_accept_invalid_hostnames").arg(0),
            Some(&Literal::Bool(false))
        );
        let pool = method(&file, "pool_max_idle_per_host");
        assert_eq!(pool.arg(0), Some(&Literal::Int(Some(-3))));
        assert_eq!(slice(text, pool.args[0].span), "-3");
        let x = method(&file, "x");
        let values: Vec<&Literal> = x.args.iter().map(|a| &a.value).collect();
        assert_eq!(
            values,
            vec![
                &Literal::Int(Some(7)),
                &Literal::Other,
                &Literal::Other,
                &Literal::Int(Some(255)),
                &Literal::Int(None)
            ]
        );
        assert_eq!(slice(text, x.args[0].span), "(7)");
    }

    fn async_of(file: &RustFile, path: &str) -> Vec<bool> {
        file.calls_to(path).map(|call| call.in_async).collect()
    }

    #[test]
    fn async_functions_blocks_and_closures() {
        let text = "use std::thread::sleep;\n\
            fn sync_fn() { sleep(d); let fut = async { sleep(d) }; }\n\
            async fn async_fn() { sleep(d); let c = || sleep(d); let a = async || sleep(d); \
              let m = async move |x| { sleep(d) }; fn nested() { sleep(d); } let cl = || async { sleep(d) }; }\n\
            #[tokio::main]\nasync fn main() { sleep(d); }\n\
            impl S { async fn method(&self) { sleep(d); } fn plain(&self) { sleep(d); } }\n\
            trait T { async fn provided(&self) { sleep(d); } }";
        let file = model(text);
        assert_eq!(
            async_of(&file, "std::thread::sleep"),
            vec![
                false, true, true, false, true, true, false, true, true, true, false, true
            ]
        );
    }

    #[test]
    fn spawn_blocking_and_block_in_place_break_async() {
        // An async block is async again, even inside `spawn_blocking(..)` (the fourth).
        let text = "use std::fs;\nasync fn f() {\n\
            tokio::task::spawn_blocking(move || fs::read(p));\n\
            tokio::task::block_in_place(|| fs::read(p));\n\
            handle.spawn_blocking(|| fs::read(p));\n\
            spawn_blocking(async { fs::read(p) });\n\
            fs::read(p);\n}";
        let file = model(text);
        assert_eq!(
            async_of(&file, "std::fs::read"),
            vec![false, false, false, true, true]
        );
        assert!(only(&file, "tokio::task::spawn_blocking").in_async);
    }

    #[test]
    fn loops_and_statements() {
        let text = "async fn serve() {\n\
            tokio::spawn(startup());\n\
            let kept = tokio::spawn(one());\n\
            loop { tokio::spawn(handle()); }\n\
            for conn in accept_all() { tokio::spawn(async move { tokio::spawn(inner()); }); }\n\
            while next().await { tokio::spawn(x()).await; }\n\
            let _ = tokio::spawn(y());\n}";
        let file = model(text);
        let spawns: Vec<(bool, bool)> = file
            .calls_to("tokio::spawn")
            .map(|call| (call.in_loop, call.is_statement))
            .collect();
        assert_eq!(
            spawns,
            vec![
                (false, true),  // startup
                (false, false), // kept
                (true, true),   // loop
                (true, true),   // for
                (false, true),  // inside the spawned async block: a new context
                (true, false),  // awaited: the statement is the await
                (false, false), // let _ =
            ]
        );
        let accept = file
            .calls()
            .iter()
            .find(|c| c.raw_path.as_deref() == Some("accept_all"));
        assert_eq!(
            accept.map(|c| c.in_loop),
            Some(false),
            "the for iterator runs once"
        );
        let next = file
            .calls()
            .iter()
            .find(|c| c.raw_path.as_deref() == Some("next"));
        assert_eq!(
            next.map(|c| c.in_loop),
            Some(true),
            "the while condition repeats"
        );
    }

    #[test]
    fn test_code_is_marked() {
        let text = "fn prod() { a(); }\n\
            #[cfg(test)]\nmod tests { fn helper() { b(); } #[test] fn t() { c(); } }\n\
            #[test]\nfn top_test() { d(); }\n\
            #[tokio::test]\nasync fn async_test() { e(); }\n\
            #[cfg(all(test, feature = \"x\"))]\nimpl S { fn g() { f(); } }\n\
            #[cfg(not(test))]\nfn not_test() { g(); }";
        let file = model(text);
        let marks: Vec<(String, bool)> = file
            .calls()
            .iter()
            .map(|call| (call.raw_path.clone().unwrap_or_default(), call.in_test))
            .collect();
        let expected: Vec<(String, bool)> = [
            ("a", false),
            ("b", true),
            ("c", true),
            ("d", true),
            ("e", true),
            ("f", true),
            ("g", false),
        ]
        .iter()
        .map(|(name, test)| (name.to_string(), *test))
        .collect();
        assert_eq!(marks, expected);
    }

    #[test]
    fn macro_bodies_are_not_analysed() {
        let text = "async fn f() { tokio::select! { _ = reqwest::get(u) => {} } \
                    let v = vec![reqwest::Client::new()]; let j = json!({ \"a\": std::fs::read(p) }); \
                    println!(\"{}\", reqwest::get(u)); }";
        let file = model(text);
        assert!(file.calls().is_empty(), "{:#?}", file.calls());
    }

    #[test]
    fn calls_nested_in_arguments_are_recorded_in_source_order() {
        let text = "fn f() { outer(inner(1), x.m(deep())); }";
        let file = model(text);
        let names: Vec<String> = file
            .calls()
            .iter()
            .map(|c| {
                c.raw_path
                    .clone()
                    .or_else(|| c.method().map(str::to_owned))
                    .unwrap_or_default()
            })
            .collect();
        assert_eq!(names, vec!["outer", "inner", "m", "deep"]);
        assert_eq!(
            slice(text, file.calls()[0].span),
            "outer(inner(1), x.m(deep()))"
        );
        assert_eq!(slice(text, file.calls()[0].args[1].span), "x.m(deep())");
        assert!(file.calls()[0].is_statement);
        assert!(!file.calls()[1].is_statement);
    }

    #[test]
    fn spans_after_bom_and_shebang_are_exact() {
        let text = "\u{feff}#!/usr/bin/env rust-script ü\nuse reqwest::Client;\n\
                    fn main() { let é = Client::new(); }\n";
        let file = model(text);
        let call = only(&file, "reqwest::Client::new");
        assert_eq!(slice(text, call.span), "Client::new()");
        assert_eq!(slice(text, file.imports()[0].span), "Client");

        let text = "\u{feff}fn main() { reqwest::get(\"ß\"); }";
        let file = model(text);
        let call = only(&file, "reqwest::get");
        assert_eq!(slice(text, call.span), "reqwest::get(\"ß\")");
        assert_eq!(call.arg(0), Some(&Literal::Str("ß".into())));
    }

    #[test]
    fn syntax_error_gives_span() {
        let text = "use reqwest::Client;\nfn main() { let c = Client::new( }\n";
        let (span, message) = parse_and_build(text).unwrap_err();
        assert!(span.start <= text.len() && span.end <= text.len());
        assert!(!message.is_empty());
        let text = "fn main() { let c = 1 2; }";
        let (span, _) = parse_and_build(text).unwrap_err();
        assert_eq!(slice(text, span), "2");
    }

    #[test]
    fn callee_that_is_not_a_path() {
        let text = "fn f() { (self.handler)(req); make()(x); }";
        let file = model(text);
        let first = &file.calls()[0];
        assert_eq!(first.raw_path, None);
        assert_eq!(slice(text, first.span), "(self.handler)(req)");
        assert_eq!(slice(text, first.callee_span), "(self.handler)");
        let curried = &file.calls()[1];
        assert_eq!(slice(text, curried.span), "make()(x)");
        assert_eq!(file.calls()[2].raw_path.as_deref(), Some("make"));
    }

    #[test]
    fn moderately_deep_chain_builds_on_helper_thread() {
        let chain = ".step()".repeat(crate::lang::rust::INLINE_NESTING_LIMIT);
        let text = format!("fn f() {{ reqwest::Client::builder(){chain}.build(); }}");
        let file = model(&text);
        let build = method(&file, "build");
        assert_eq!(
            file.chain(build).len(),
            crate::lang::rust::INLINE_NESTING_LIMIT + 1
        );
        assert_eq!(
            file.chain_root_path(build),
            Some("reqwest::Client::builder")
        );
    }

    #[test]
    fn argument_spans_match_syn_spans() {
        // The hand-walked first/last tokens agree with syn's (slower) `Spanned::span`.
        let text = "fn f() { g(\n\
            move |x| x + 1, async move { a().await }, || {}, async || b(), if c { 1 } else if d { 2 } else { 3 },\n\
            match e { _ => 0 }, S { a: 1 }, <T as U>::V, unsafe { h() }, loop { break }, 'l: loop {},\n\
            while w {}, for i in j {}, [0; 4], return, return 5, x as u8, -y, !z, *p, &mut q, a.b,\n\
            a[0], f()?, (1, 2), [1, 2], m!(), ::std::X, v.w::<u8>(), 1..2, ..3, x = 4, { 5 }, 'k: { 6 },\n\
            Vec::<u8>::new, S::<T> {}, ok().unwrap_or_else(|| panic()), \"s\", 1.5e3) }";
        let pairs = with_parsed(text, |file, map| {
            struct Args<'m, 't>(&'m SpanMap<'t>, Vec<(Span, Span)>);
            impl<'ast> Visit<'ast> for Args<'_, '_> {
                fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
                    for arg in &call.args {
                        let hand =
                            Span::new(self.0.start(expr_start(arg)), self.0.end(expr_end(arg)));
                        self.1.push((hand, self.0.span(arg.span())));
                    }
                }
            }
            let mut args = Args(map, Vec::new());
            args.visit_file(file);
            args.1
        })
        .expect("parses");
        assert_eq!(pairs.len(), 39);
        for (hand, syn_span) in pairs {
            assert_eq!(slice(text, hand), slice(text, syn_span));
        }
    }

    // Memory: `parse_and_build` goes through `with_parsed`, which calls
    // `proc_macro2::extra::invalidate_current_thread_spans()` when it returns, so parsing
    // thousands of files on one thread does not grow proc-macro2's source map.
}
