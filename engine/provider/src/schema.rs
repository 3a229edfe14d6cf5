//! Schemas: what attributes and nested blocks a resource type has.

use std::collections::BTreeMap;
use std::sync::OnceLock;
use strata_lang::Type;

#[derive(Debug, Clone, Default)]
pub struct ProviderSchema {
    /// The `provider "x" {}` block's schema.
    pub provider: Block,
    pub resources: BTreeMap<String, ResourceSchema>,
    pub data_sources: BTreeMap<String, ResourceSchema>,
}

#[derive(Debug, Clone, Default)]
pub struct ResourceSchema {
    /// Bumped when the stored shape changes; older states are upgraded.
    pub version: u64,
    pub block: Block,
    /// Applying a resource that references this object can change the
    /// object on the remote side (a NAT gateway associates its Elastic IP):
    /// the engine reads it again once such dependents are applied, so that
    /// the state is not stale right after the apply.
    pub reread_after_dependents_apply: bool,
    /// Objects of this type exist only in the state (`terraform_data`,
    /// `random_*`): creating one sends nothing outside Strata, so no create
    /// intent is journalled and nothing can be left behind by a crash.
    pub local_only: bool,
    /// How the real provider words the error for a value given to a
    /// computed-only attribute (the engine checks it on its behalf).
    pub read_only_wording: ReadOnlyWording,
    /// Filled by [`ResourceSchema::implied_type`] on first use: leave it
    /// to `..Default::default()` when building a schema.
    #[doc(hidden)]
    pub implied_type_cache: OnceLock<Type>,
}

impl ResourceSchema {
    /// The object type of this resource's values, built once: the values
    /// of every instance then share it (an `Arc`) rather than each holding
    /// a copy. The schema must not change after the first call.
    pub fn implied_type(&self) -> Type {
        self.implied_type_cache.get_or_init(|| self.block.implied_type()).clone()
    }
}

/// Terraform's core does not reject values set for computed-only
/// attributes: each provider's SDK does, in its own words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReadOnlyWording {
    /// terraform-plugin-framework (also the choice when nothing is known).
    #[default]
    Framework,
    /// terraform-plugin-sdk/v2.
    Sdk,
    /// Terraform's built-in provider (`terraform_data`): a bare error, no location.
    Builtin,
}

#[derive(Debug, Clone, Default)]
pub struct Block {
    pub attributes: BTreeMap<String, Attribute>,
    pub blocks: BTreeMap<String, NestedBlock>,
}

#[derive(Debug, Clone)]
pub struct Attribute {
    pub ty: Type,
    pub required: bool,
    pub optional: bool,
    pub computed: bool,
    pub sensitive: bool,
    /// Changing it replaces the object (providers may also decide this in plan).
    pub force_new: bool,
    /// Computed, and changes by itself as the service runs (a restore
    /// point's time): refreshed into the state, never reported as drift.
    pub volatile: bool,
    pub description: String,
}

impl Attribute {
    pub fn required(ty: Type) -> Attribute {
        Attribute {
            ty,
            required: true,
            optional: false,
            computed: false,
            sensitive: false,
            force_new: false,
            volatile: false,
            description: String::new(),
        }
    }
    pub fn optional(ty: Type) -> Attribute {
        Attribute { required: false, optional: true, ..Attribute::required(ty) }
    }
    pub fn computed(ty: Type) -> Attribute {
        Attribute { required: false, computed: true, ..Attribute::required(ty) }
    }
    pub fn optional_computed(ty: Type) -> Attribute {
        Attribute { optional: true, ..Attribute::computed(ty) }
    }
    pub fn sensitive(mut self) -> Attribute {
        self.sensitive = true;
        self
    }
    pub fn force_new(mut self) -> Attribute {
        self.force_new = true;
        self
    }
    pub fn volatile(mut self) -> Attribute {
        self.volatile = true;
        self
    }
    pub fn describe(mut self, d: &str) -> Attribute {
        self.description = d.to_string();
        self
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nesting {
    Single,
    List,
    Set,
    Map,
}

#[derive(Debug, Clone)]
pub struct NestedBlock {
    pub nesting: Nesting,
    pub block: Block,
    pub min_items: u64,
    pub max_items: u64,
}

impl Block {
    /// The object type values of this block have.
    pub fn implied_type(&self) -> Type {
        let mut attrs: BTreeMap<String, Type> =
            self.attributes.iter().map(|(k, a)| (k.clone(), a.ty.clone())).collect();
        for (k, b) in &self.blocks {
            let inner = b.block.implied_type();
            attrs.insert(
                k.clone(),
                match b.nesting {
                    Nesting::Single => inner,
                    Nesting::List => Type::list(inner),
                    Nesting::Set => Type::set(inner),
                    Nesting::Map => Type::map(inner),
                },
            );
        }
        Type::object(attrs)
    }
}
