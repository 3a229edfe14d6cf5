//! Which configured provider instance serves a resource: provider blocks,
//! aliases, module `providers` maps, and the provider of a stored object.

use super::*;

/// The provider's source address in a configuration address
/// (`provider["registry.terraform.io/hashicorp/aws"].west` →
/// `registry.terraform.io/hashicorp/aws`), as messages name providers.
pub(super) fn provider_display(config_addr: &str) -> &str {
    config_addr.split('"').nth(1).unwrap_or(config_addr)
}

impl ResourceEngine<'_> {
    pub(super) fn provider_for_state(
        &self,
        addr: &ResourceInstanceAddr,
        provider_addr: &str,
        diags: &mut Diagnostics,
    ) -> Option<(Arc<dyn Provider>, ResourceSchema)> {
        // provider["registry.terraform.io/hashicorp/aws"].alias
        let source = provider_addr
            .split('"')
            .nth(1)
            .map(|s| {
                s.trim_start_matches("registry.terraform.io/").trim_start_matches("registry.opentofu.org/").to_string()
            })
            .unwrap_or_default();
        let provider = self.provider_instance(provider_addr, &source, None, diags)?;
        let provider = self.overridden(&addr.resource).unwrap_or(provider);
        let schema = provider.schema();
        let rs = match addr.resource.mode {
            ResourceMode::Managed => schema.resources.get(&addr.resource.type_name),
            ResourceMode::Data => schema.data_sources.get(&addr.resource.type_name),
        };
        match rs {
            Some(rs) => Some((provider, rs.clone())),
            None => {
                diags.push(
                    Diagnostic::error("Unknown resource type in state")
                        .with_detail(format!("The state has {addr}, of a type the provider {source} does not have.")),
                );
                None
            }
        }
    }

    /// The configured instance for a provider configuration address.
    pub(super) fn provider_instance(
        &self,
        config_addr: &str,
        source: &str,
        span: Option<&Span>,
        diags: &mut Diagnostics,
    ) -> Option<Arc<dyn Provider>> {
        if let Some(p) = self.providers.lock().expect("no poisoned locks").get(config_addr) {
            return Some(p.clone());
        }
        let Some(factory) = self.registry.get(source) else {
            let available: Vec<&str> = self.registry.sources().collect();
            // `prometheus_rule_group` or `opensearch_ism_policy` with no
            // required_providers entry implies hashicorp/<name>, as in
            // Terraform; a built-in provider of the same local name under
            // another namespace must be declared.
            let local = source.rsplit('/').next().unwrap_or(source);
            let same_name = available.iter().find(|s| **s != source && s.rsplit('/').next() == Some(local));
            let hint = match same_name {
                Some(s) => format!(
                    " The built-in provider {s:?} serves this type: declare it in required_providers ({local} = {{ source = {s:?} }})."
                ),
                None => String::new(),
            };
            diags.push(
                Diagnostic::error("Provider not available")
                    .with_detail(format!(
                        "Strata has no provider {source:?} built in.{hint} Available providers: {}.",
                        available.join(", ")
                    ))
                    .with_span_opt(span.cloned()),
            );
            return None;
        };
        let p = factory.new_instance();
        let config = self
            .provider_configs
            .lock()
            .expect("no poisoned locks")
            .get(config_addr)
            .cloned()
            .unwrap_or_else(|| Value::null(p.schema().provider.implied_type()));
        let pd = p.configure(strata_provider::ConfigureRequest { config: &config });
        if report(pd, span, diags) {
            return None;
        }
        self.providers.lock().expect("no poisoned locks").insert(config_addr.to_string(), p.clone());
        Some(p)
    }

    /// The provider configuration a resource of module instance `path`
    /// uses: (configuration address, source). `provider = aws.west` picks an
    /// alias; otherwise the type's prefix names the provider.
    pub(super) fn provider_of(&self, path: &ModuleInstance, module: &Module, r: &Resource) -> (String, String) {
        let key = provider_key(r);
        let local = key.split('.').next().unwrap_or(&key).to_string();
        let source = self.source_of(module, &local);
        let mapped = self.provider_maps.lock().expect("no poisoned locks").get(path).and_then(|m| m.get(&key).cloned());
        let addr = mapped
            .unwrap_or_else(|| config_address(&ModuleInstance::root(), &source, key.split_once('.').map(|(_, a)| a)));
        (addr, source)
    }

    /// The source address a module's local provider name stands for.
    pub(super) fn source_of(&self, module: &Module, local: &str) -> String {
        provider_source(module, self.root, local)
    }
}

/// Resource `r`'s type is not among `types`, those of provider `source`.
pub(crate) fn unsupported_type(source: &str, r: &Resource, types: &BTreeMap<String, ResourceSchema>) -> Diagnostic {
    let data = r.mode == strata_config::ResourceMode::Data;
    let what = if data { "data source" } else { "resource type" };
    let mut detail = format!("The provider {source} does not support {what} {:?}.", r.type_name);
    if let Some(s) = strata_diag::did_you_mean(&r.type_name, types.keys().map(String::as_str)) {
        detail.push_str(&format!(" Did you mean {s:?}?"));
    }
    let summary = if data { "Invalid data source" } else { "Invalid resource type" };
    Diagnostic::error(summary).with_detail(detail).with_span(type_label_span(&r.span))
}

/// The type label (quotes included) of a block header such as
/// `resource "aws_vpc" "main"`: where Terraform blames an unsupported type.
pub(super) fn type_label_span(header: &Span) -> Span {
    let text = header.text();
    let label = text.find('"').and_then(|open| Some((open, open + 1 + text[open + 1..].find('"')?)));
    match label {
        Some((open, close)) => Span::new(&header.file, header.start + open..header.start + close + 1),
        None => header.clone(),
    }
}

/// The source address local provider name `local` stands for in `module`
/// (falling back on the root module's `required_providers`).
pub(crate) fn provider_source(module: &Module, root: &Module, local: &str) -> String {
    let required =
        |m: &Module| m.terraform.iter().find_map(|t| t.required_providers.get(local).map(|p| p.source.clone()));
    if local == "terraform" {
        "terraform.io/builtin/terraform".to_string()
    } else {
        required(module).or_else(|| required(root)).unwrap_or_else(|| format!("hashicorp/{local}"))
    }
}

/// The local provider name (and alias) resource `r` uses: its `provider`
/// argument, or the prefix of its type.
pub(crate) fn provider_key(r: &Resource) -> String {
    match &r.provider {
        Some(e) => e.span().text().trim().to_string(),
        None => r.type_name.split('_').next().unwrap_or(&r.type_name).to_string(),
    }
}

/// `provider["registry.terraform.io/hashicorp/aws"].west`, prefixed with the
/// module path when the configuration lives in a child module.
pub(super) fn config_address(module: &ModuleInstance, source: &str, alias: Option<&str>) -> String {
    let host_source = if source.starts_with("terraform.io/") {
        source.to_string()
    } else {
        format!("registry.terraform.io/{source}")
    };
    let mut addr = String::new();
    if !module.is_root() {
        addr.push_str(&format!("{module}."));
    }
    addr.push_str(&format!("provider[\"{host_source}\"]"));
    if let Some(a) = alias {
        addr.push('.');
        addr.push_str(a);
    }
    addr
}

impl ResourceEngine<'_> {
    pub(super) fn register_provider_block(
        &self,
        path: &ModuleInstance,
        module: &Module,
        block: &strata_config::ProviderConfig,
    ) -> String {
        let source = self.source_of(module, &block.name);
        let addr = config_address(path, &source, block.alias.as_deref());
        let key = match &block.alias {
            Some(a) => format!("{}.{a}", block.name),
            None => block.name.clone(),
        };
        self.provider_maps
            .lock()
            .expect("no poisoned locks")
            .entry(path.clone())
            .or_default()
            .insert(key, addr.clone());
        addr
    }
}
