//! The resource engine's side of the walk: each resource block reached is
//! expanded (count/for_each), its instances' configurations evaluated in
//! order, then planned or applied through the provider, up to
//! `-parallelism` at once.

use super::*;

impl ResourceHandler for ResourceEngine<'_> {
    fn check_results(&self) -> Option<&crate::checks::CheckResults> {
        Some(&self.checks)
    }

    fn walk_started(&self, tree: &strata_config::ModuleTree) {
        let graph = crate::graph::ReferenceGraph::new(tree);
        let create_before_destroy = graph.create_before_destroy_resources();
        let _ = self.references.set((graph, create_before_destroy));
        let _ = self.configured.set(configured_resources(tree));
    }

    fn parallelism(&self) -> usize {
        self.parallelism
    }

    fn note_errors(&self) {
        self.errored.store(true, std::sync::atomic::Ordering::SeqCst);
    }

    fn skip_resource(&self, path: &ModuleInstance, r: &Resource) {
        let mode = match r.mode {
            strata_config::ResourceMode::Managed => ResourceMode::Managed,
            strata_config::ResourceMode::Data => ResourceMode::Data,
        };
        let addr = ResourceAddr { module: path.clone(), mode, type_name: r.type_name.clone(), name: r.name.clone() };
        self.keep_prior(|a| a.resource == addr);
    }

    fn skip_module_call(&self, path: &ModuleInstance, name: &str) {
        self.keep_prior(|a| {
            let module = &a.resource.module;
            module.starts_with(path) && module.0.get(path.0.len()).is_some_and(|(call, _)| call == name)
        });
    }

    fn import_block(
        &self,
        block: &strata_config::RawBlock,
        scope: &dyn Scope,
        ctx: &CallContext,
        functions: &Functions,
        diags: &mut Diagnostics,
    ) {
        if matches!(self.operation, Operation::Destroy { .. }) || self.refresh_only {
            return;
        }
        let ev = Evaluator::new(scope, functions, ctx, &block.body.file);
        let attr = |name: &str| block.body.body.get_attribute(name);
        let instances: Vec<Vec<(&str, Value)>> = match attr("for_each") {
            None => vec![Vec::new()],
            Some(fe) => {
                let expr = strata_config::Expr { expr: fe.value.clone(), file: block.body.file.clone() };
                match ev.eval(&fe.value).and_then(|v| for_each_value(&v, &expr)) {
                    Ok(Some(pairs)) => pairs
                        .into_iter()
                        .map(|(k, v)| {
                            vec![(
                                "each",
                                Value::object(strata_lang::Fields::from([
                                    ("key".to_string(), Value::string(k.as_str())),
                                    ("value".to_string(), v),
                                ])),
                            )]
                        })
                        .collect(),
                    Ok(None) => {
                        diags.push(
                            Diagnostic::error("Invalid for_each argument")
                                .with_detail("The \"for_each\" value of an import block must be known during planning.")
                                .with_span(expr.span()),
                        );
                        return;
                    }
                    Err(d) => {
                        diags.push(d);
                        return;
                    }
                }
            }
        };
        let (Some(to), Some(id)) = (attr("to"), attr("id")) else { return };
        let to_span = Span::new(&block.body.file, hcl_edit::Span::span(&to.value).unwrap_or(0..0));
        for bindings in instances {
            let target = crate::module_eval::bind_all(&ev, &bindings, || {
                crate::imports::target_address(&ev, &to.value, &to_span)
            });
            let id_value = crate::module_eval::bind_all(&ev, &bindings, || ev.eval(&id.value));
            let (target, id_value) = match (target, id_value) {
                (Ok(t), Ok(v)) => (t, v),
                (Err(d), _) | (_, Err(d)) => {
                    diags.push(d);
                    continue;
                }
            };
            let id_span = Span::new(&block.body.file, hcl_edit::Span::span(&id.value).unwrap_or(0..0));
            let Some(id_text) = id_value.as_str().filter(|s| !s.is_empty() && id_value.is_known()) else {
                diags.push(
                    Diagnostic::error("Invalid import id argument")
                        .with_detail("The import ID must be a non-empty string known during planning.")
                        .with_span(id_span),
                );
                continue;
            };
            let mut imports = self.imports.lock().expect("no poisoned locks");
            if imports.contains_key(&target) {
                diags.push(
                    Diagnostic::error("Duplicate import configuration")
                        .with_detail(format!("An import block for the resource {target} was already declared."))
                        .with_span(to_span.clone()),
                );
                continue;
            }
            imports.insert(target, (id_text.to_string(), to_span.clone()));
        }
    }

    fn provider_block(
        &self,
        path: &ModuleInstance,
        module: &Module,
        block: &strata_config::ProviderConfig,
        scope: &dyn Scope,
        ctx: &CallContext,
        functions: &Functions,
        diags: &mut Diagnostics,
    ) {
        let addr = self.register_provider_block(path, module, block);
        let source = self.source_of(module, &block.name);
        let Some(factory) = self.registry.get(&source) else { return };
        let schema = factory.new_instance().schema();
        let ev = Evaluator::new(scope, functions, ctx, &block.config.file);
        match strata_lang::body::evaluate_body(&ev, &block.config.body, &["alias", "version"]) {
            Ok(body) => {
                let config = decode_config(&body, &schema.provider, &block.span, diags);
                self.provider_configs.lock().expect("no poisoned locks").insert(addr, config);
            }
            Err(ds) => diags.extend(ds),
        }
    }

    fn enter_module(
        &self,
        parent: &ModuleInstance,
        call: &strata_config::ModuleCall,
        child: &ModuleInstance,
        _child_module: &Module,
    ) {
        let mut maps = self.provider_maps.lock().expect("no poisoned locks");
        let parent_map = maps.get(parent).cloned().unwrap_or_default();
        // Default (unaliased) configurations are inherited implicitly.
        let mut child_map: HashMap<String, String> =
            parent_map.iter().filter(|(k, _)| !k.contains('.')).map(|(k, v)| (k.clone(), v.clone())).collect();
        // `providers = { aws = aws.west }` passes configurations explicitly.
        if let Some(expr) = &call.providers {
            if let hcl_edit::expr::Expression::Object(obj) = &expr.expr {
                for (k, v) in obj.iter() {
                    let text = |r: Option<std::ops::Range<usize>>| {
                        expr.file.text.get(r.unwrap_or(0..0)).unwrap_or("").trim().trim_matches('"').to_string()
                    };
                    let child_key = match k {
                        hcl_edit::expr::ObjectKey::Ident(id) => id.as_str().to_string(),
                        hcl_edit::expr::ObjectKey::Expression(e) => text(hcl_edit::Span::span(e)),
                    };
                    let parent_key = text(hcl_edit::Span::span(v.expr()));
                    let local = parent_key.split('.').next().unwrap_or(&parent_key).to_string();
                    let addr = parent_map.get(&parent_key).cloned().unwrap_or_else(|| {
                        config_address(
                            &ModuleInstance::root(),
                            &self.source_of(self.root, &local),
                            parent_key.split_once('.').map(|(_, a)| a),
                        )
                    });
                    child_map.insert(child_key, addr);
                }
            }
        }
        maps.insert(child.clone(), child_map);
    }

    fn resource(
        &self,
        path: &ModuleInstance,
        module: &Module,
        r: &Resource,
        scope: &dyn Scope,
        ctx: &CallContext,
        functions: &Functions,
        diags: &mut Diagnostics,
    ) -> Value {
        let mode = match r.mode {
            strata_config::ResourceMode::Managed => ResourceMode::Managed,
            strata_config::ResourceMode::Data => ResourceMode::Data,
        };
        let addr = ResourceAddr { module: path.clone(), mode, type_name: r.type_name.clone(), name: r.name.clone() };
        let (in_plan, only_instances) = self.targeted(&addr);
        if matches!(self.operation, Operation::Destroy { .. }) {
            if r.lifecycle.prevent_destroy {
                self.protected.lock().expect("no poisoned locks").insert(addr.clone(), r.span.clone());
            }
            return Value::dynamic_unknown();
        }
        let (provider_addr, source) = self.provider_of(path, module, r);
        let Some(provider) = self.provider_instance(&provider_addr, &source, Some(&r.span), diags) else {
            return Value::dynamic_unknown();
        };
        let provider = self.overridden(&addr).unwrap_or(provider);
        if mode == ResourceMode::Managed {
            let mut types = self.managed_types.lock().expect("no poisoned locks");
            types.entry(provider_addr.clone()).or_default().insert(r.type_name.clone());
        }
        let schema_all = provider.schema();
        let types = if mode == ResourceMode::Data { &schema_all.data_sources } else { &schema_all.resources };
        let Some(schema) = types.get(&r.type_name).cloned() else {
            diags.push(unsupported_type(&source, r, types));
            return Value::dynamic_unknown();
        };
        let ev = Evaluator::new(scope, functions, ctx, &r.body.file);
        // Instances: key and the bindings their configuration sees.
        let mut instances: Vec<(InstanceKey, Vec<(&str, Value)>)> = Vec::new();
        let each_mode;
        if let Some(count) = &r.count {
            each_mode = Some("list");
            match ev.eval(&count.expr).and_then(|v| count_value(&v, count)) {
                Ok(Some(n)) => {
                    for i in 0..n {
                        instances.push((InstanceKey::Int(i), vec![("count", obj1("index", Value::int(i)))]));
                    }
                }
                Ok(None) if self.applying() && self.failed_before(diags) => return Value::dynamic_unknown(),
                Ok(None) if !in_plan => {
                    // Not targeted: what is stored stays as it is.
                    self.skip_resource(path, r);
                    return Value::dynamic_unknown();
                }
                Ok(None) => {
                    diags.push(Diagnostic::error("Invalid count argument").with_detail("The \"count\" value depends on resource attributes that cannot be determined until apply, so Strata cannot predict how many instances will be created. To work around this, use the -target argument to first apply only the resources that the count depends on.").with_span(count.span()));
                    return Value::dynamic_unknown();
                }
                Err(d) => {
                    diags.push(d);
                    return Value::dynamic_unknown();
                }
            }
        } else if let Some(fe) = &r.for_each {
            each_mode = Some("map");
            match ev.eval(&fe.expr).and_then(|v| for_each_value(&v, fe)) {
                Ok(Some(pairs)) => {
                    for (k, v) in pairs {
                        let each = Value::object(strata_lang::Fields::from([
                            ("key".to_string(), Value::string(k.as_str())),
                            ("value".to_string(), v),
                        ]));
                        instances.push((InstanceKey::Str(k), vec![("each", each)]));
                    }
                }
                Ok(None) if self.applying() && self.failed_before(diags) => return Value::dynamic_unknown(),
                Ok(None) if !in_plan => {
                    // Not targeted: what is stored stays as it is.
                    self.skip_resource(path, r);
                    return Value::dynamic_unknown();
                }
                Ok(None) => {
                    diags.push(Diagnostic::error("Invalid for_each argument").with_detail("The \"for_each\" map includes keys derived from resource attributes that cannot be determined until apply, and so Strata cannot determine the full set of keys that will identify the instances of this resource. When working with unknown values in for_each, it's better to define the map keys statically in your configuration and place apply-time results only in the map values.").with_span(fe.span()));
                    return Value::dynamic_unknown();
                }
                Err(d) => {
                    diags.push(d);
                    return Value::dynamic_unknown();
                }
            }
        } else {
            each_mode = None;
            instances.push((InstanceKey::None, Vec::new()));
        }
        // State `dependencies`, as Terraform records them: every resource
        // this one depends on, directly or through others, locals, module
        // variables, outputs and depends_on, named without instance keys.
        let dependencies = self
            .references
            .get()
            .map(|(graph, _)| graph.resource_dependencies(&strip_module_keys(&addr.to_string())))
            .unwrap_or_default();
        let create_before_destroy = r.lifecycle.create_before_destroy
            || self.references.get().is_some_and(|(_, cbd)| cbd.contains(&strip_module_keys(&addr.to_string())));
        if module.checks.iter().any(|c| c.data.as_ref().is_some_and(|d| std::ptr::eq(d, r))) {
            self.check_data.lock().expect("no poisoned locks").insert(addr.clone());
        }
        let check_addr = strip_module_keys(&addr.to_string());
        if instances.is_empty() {
            self.checks.no_objects(&check_addr);
        }
        // 1. Configurations, in order (the evaluator is single-threaded).
        let mut jobs: Vec<InstanceJob> = Vec::new();
        let mut untouched: Vec<(InstanceKey, Value)> = Vec::new();
        for (key, bindings) in instances {
            let iaddr = addr.instance(key.clone());
            self.visited.lock().expect("no poisoned locks").insert(iaddr.clone());
            // (Recovering wants only the stored values, for what provider
            // configurations and counts need.)
            let wanted = in_plan
                && self.recovering.is_none()
                && only_instances.as_ref().is_none_or(|only| only.contains(&iaddr.to_string()));
            if wanted {
                self.checks.object(&check_addr, &iaddr.to_string());
            } else {
                // Outside -target: keep the stored object as it is.
                let stored = self.prior.instance(&iaddr).map(|(_, i)| decode_state(i, &schema));
                untouched.push((key, stored.unwrap_or_else(|| Value::unknown(schema.implied_type()))));
                continue;
            }
            if let Some(plan) = &self.plan {
                // Applying: what the plan settled needs no configuration.
                let conditions = !r.lifecycle.preconditions.is_empty() || !r.lifecycle.postconditions.is_empty();
                if let Some(v) = self.settled_by_plan(plan, &iaddr, &schema, (&provider_addr, each_mode), conditions) {
                    untouched.push((key, v));
                    continue;
                }
            }
            let body = crate::module_eval::bind_all(&ev, &bindings, || {
                strata_lang::body::evaluate_body(&ev, &r.body.body, crate::module_eval::RESOURCE_META)
            });
            let body = match body {
                Ok(b) => b,
                Err(ds) => {
                    diags.extend(ds);
                    jobs.push((key, bindings, None));
                    continue;
                }
            };
            let mut local = Diagnostics::new();
            let config = decode_config(&body, &schema.block, &r.span, &mut local);
            let failed = local.has_errors();
            diags.extend(local);
            if failed {
                jobs.push((key, bindings, None));
                continue;
            }
            if self.applying() && !config.is_wholly_known() {
                // Something this depends on failed (or was skipped): leave it
                // untouched rather than apply a half-known configuration.
                if !self.failed_before(diags) {
                    diags.push(
                        Diagnostic::error("Configuration still unknown at apply")
                            .with_detail(format!(
                                "{iaddr} depends on values that are still unknown; it was not changed."
                            ))
                            .with_span(r.span.clone()),
                    );
                }
                jobs.push((key, bindings, None));
                continue;
            }
            let rules = (RuleKind::ResourcePrecondition, r.lifecycle.preconditions.as_slice());
            if self.check_conditions(&ev, &bindings, (&check_addr, &iaddr), rules, None, diags) {
                jobs.push((key, bindings, None));
                continue;
            }
            let triggered =
                self.plan.is_none() && self.triggered(&ev, &bindings, path, &r.lifecycle.replace_triggered_by);
            jobs.push((key, bindings, Some((config, triggered))));
        }
        // 2. Provider calls: the instances of one resource are independent,
        // so up to `parallelism` of them run at once.
        let run_one = |key: &InstanceKey, config: &Value, triggered: bool| -> (Value, Diagnostics) {
            let _permit = self.operations.acquire();
            let mut local = Diagnostics::new();
            let iaddr = addr.instance(key.clone());
            let opts = InstanceOpts { lifecycle: &r.lifecycle, triggered, create_before_destroy };
            let ctx = InstanceCtx {
                addr: &iaddr,
                provider_addr: &provider_addr,
                provider: &*provider,
                schema: &schema,
                span: &r.span,
                body: &r.body,
                each: each_mode,
                dependencies: &dependencies,
                opts: &opts,
            };
            let v = if mode == ResourceMode::Data {
                self.data_instance(&ctx, config, &mut local)
            } else if let Some(plan) = &self.plan {
                match plan.current(&iaddr) {
                    Some(change) => self.apply_planned(&ctx, change, config, &mut local),
                    None => {
                        local.push(missing_from_plan(&iaddr, &r.span));
                        Value::dynamic_unknown()
                    }
                }
            } else {
                self.plan_instance(&ctx, config, &mut local)
            };
            (v, local)
        };
        let work: Vec<usize> = (0..jobs.len()).filter(|i| jobs[*i].2.is_some()).collect();
        // Each configuration is dropped once its instance is done, not kept
        // until the last of a large resource's instances finishes.
        let configs: Vec<Mutex<Option<(Value, bool)>>> = jobs.iter_mut().map(|j| Mutex::new(j.2.take())).collect();
        let results: Vec<Mutex<Option<(Value, Diagnostics)>>> = jobs.iter().map(|_| Mutex::new(None)).collect();
        let workers = self.parallelism.min(work.len());
        if workers <= 1 {
            for &i in &work {
                let (config, triggered) =
                    configs[i].lock().expect("no poisoned locks").take().expect("work has a configuration");
                *results[i].lock().expect("no poisoned locks") = Some(run_one(&jobs[i].0, &config, triggered));
            }
        } else {
            let next = std::sync::atomic::AtomicUsize::new(0);
            std::thread::scope(|scope| {
                for _ in 0..workers {
                    scope.spawn(|| loop {
                        let n = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        let Some(&i) = work.get(n) else { break };
                        let (config, triggered) =
                            configs[i].lock().expect("no poisoned locks").take().expect("work has a configuration");
                        let out = run_one(&jobs[i].0, &config, triggered);
                        *results[i].lock().expect("no poisoned locks") = Some(out);
                    });
                }
            });
        }
        // 3. Results in instance order, postconditions checked.
        let mut values: Vec<(InstanceKey, Value)> = untouched;
        for ((key, bindings, _), result) in jobs.into_iter().zip(results) {
            let Some((value, mut local)) = result.into_inner().expect("no poisoned locks") else {
                values.push((key, Value::dynamic_unknown()));
                continue;
            };
            // Postconditions see the planned object (unknowns leave them
            // unknown until apply), or the new one when applying.
            if !local.has_errors() {
                let iaddr = addr.instance(key.clone());
                let rules = (RuleKind::ResourcePostcondition, r.lifecycle.postconditions.as_slice());
                self.check_conditions(&ev, &bindings, (&check_addr, &iaddr), rules, Some(&value), &mut local);
            }
            diags.extend(local);
            values.push((key, value));
        }
        values.sort_by(|a, b| a.0.cmp(&b.0));
        // What depends on this resource starts only once its results are on disk.
        if let Some(sink) = &self.sink {
            if let Err(d) = sink.lock().expect("no poisoned locks").sync() {
                diags.push(d);
            }
        }
        match each_mode {
            None => values.pop().map(|(_, v)| v).unwrap_or_else(Value::dynamic_unknown),
            Some("list") => Value::tuple(values.into_iter().map(|(_, v)| v).collect()),
            _ => Value::object(
                values
                    .into_iter()
                    .map(|(k, v)| (if let InstanceKey::Str(s) = k { s } else { String::new() }, v))
                    .collect(),
            ),
        }
    }
}

/// One instance to plan: its key, the bindings its configuration sees, and
/// (when it could be evaluated) its configuration and whether a
/// `replace_triggered_by` reference changed.
pub(super) type InstanceJob<'b> = (InstanceKey, Vec<(&'b str, Value)>, Option<(Value, bool)>);

/// What planning or applying one instance needs from its resource block.
#[derive(Clone, Copy)]
pub(super) struct InstanceCtx<'x> {
    pub(super) addr: &'x ResourceInstanceAddr,
    /// Its provider's configuration address.
    pub(super) provider_addr: &'x str,
    pub(super) provider: &'x dyn Provider,
    pub(super) schema: &'x ResourceSchema,
    /// The resource block, where diagnostics point.
    pub(super) span: &'x Span,
    /// Its body: a diagnostic about an attribute points where it is written.
    pub(super) body: &'x strata_config::RawBody,
    /// `"list"` (count), `"map"` (for_each) or none, as state's `each`.
    pub(super) each: Option<&'x str>,
    /// What state records it depends on.
    pub(super) dependencies: &'x [String],
    pub(super) opts: &'x InstanceOpts<'x>,
}

impl InstanceCtx<'_> {
    /// The create_before_destroy flag as state stores it (only when true).
    pub(super) fn cbd_flag(&self) -> Option<bool> {
        self.opts.create_before_destroy.then_some(true)
    }

    /// `value` as state stores the instance's object, with its current
    /// dependencies and create_before_destroy flag.
    pub(super) fn stored(&self, value: &Value, private: &[u8], tainted: bool) -> InstanceState {
        InstanceState {
            create_before_destroy: self.cbd_flag(),
            ..instance_state(&self.addr.key, value, self.schema, private, self.dependencies.to_vec(), tainted)
        }
    }

    /// The provider's check of `config`; false when it reported errors.
    pub(super) fn validate(&self, config: &Value, diags: &mut Diagnostics) -> bool {
        let checked = self.provider.validate_resource(strata_provider::ValidateResourceRequest {
            type_name: &self.addr.resource.type_name,
            config,
        });
        !self.report(checked, diags)
    }

    /// Reports the provider's diagnostics at the attributes they name.
    pub(super) fn report(&self, pd: Vec<ProviderDiagnostic>, diags: &mut Diagnostics) -> bool {
        super::report_in(pd, Some(self.span), Some((self.body, &self.schema.block)), diags)
    }

    /// The provider's plan for going from `prior` (null: creating) to
    /// `config`, on the engine's proposed new value.
    pub(super) fn provider_plan(
        &self,
        prior: &Value,
        config: &Value,
        prior_private: &[u8],
    ) -> strata_provider::PlanResponse {
        let proposed = proposed_new(&self.schema.block, prior, config);
        self.provider.plan_resource(strata_provider::PlanRequest {
            type_name: &self.addr.resource.type_name,
            prior,
            proposed: &proposed,
            config,
            prior_private,
        })
    }
}

/// Options one instance's plan takes from its resource block.
pub(super) struct InstanceOpts<'l> {
    pub(super) lifecycle: &'l strata_config::Lifecycle,
    /// A `replace_triggered_by` reference changed.
    pub(super) triggered: bool,
    /// Replacements create first: set on the resource, or forced by a
    /// dependent that sets it. Stored in state as Terraform stores it.
    pub(super) create_before_destroy: bool,
}

impl<'a> ResourceEngine<'a> {
    /// Applying: the value of an instance whose planned change needs no
    /// work — a no-op without conditions to check again (its object is the
    /// prior state's), a data source read while planning (its result is in
    /// the prior state), anything in a refresh-only plan. `None`: the
    /// instance's configuration is evaluated and its change applied.
    fn settled_by_plan(
        &self,
        plan: &crate::plan::PlannedChanges<'a>,
        addr: &ResourceInstanceAddr,
        schema: &ResourceSchema,
        (provider_addr, each): (&str, Option<&str>),
        conditions: bool,
    ) -> Option<Value> {
        let change = plan.current(addr);
        let stored = || self.prior.instance(addr).map(|(_, i)| (decode_state(i, schema), i));
        match change {
            Some(c) if c.action == Action::NoOp && c.importing.is_none() && !conditions => {
                if addr.resource.mode == ResourceMode::Managed {
                    if let Some((_, inst)) = stored() {
                        self.note_rereadable(schema, (addr, provider_addr, each), &c.after, inst);
                    }
                }
                Some(c.after.clone())
            }
            Some(_) => None,
            None if addr.resource.mode == ResourceMode::Data || self.refresh_only => {
                // (Read while planning: the prior state holds the result.)
                Some(stored().map_or_else(|| Value::unknown(schema.implied_type()), |(v, _)| v))
            }
            None => None,
        }
    }
}

/// An instance the configuration has but the plan being applied does not.
pub(super) fn missing_from_plan(addr: &ResourceInstanceAddr, span: &Span) -> Diagnostic {
    Diagnostic::error("Resource instance missing from the plan")
        .with_detail(format!(
            "The configuration has {addr}, but the plan being applied has no change for it, so it was left as it is. Run plan again."
        ))
        .with_span(span.clone())
}
