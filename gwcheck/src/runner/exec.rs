//! Running one file: load, stamp, validate, check, step.

use std::collections::HashMap;
use std::path::Path;

use gateway_match::Router;
use gateway_types::load::Loader;
use gateway_types::{MetaExt, Object};
use gateway_validate::{Report, Snapshot};

use super::{
    Check, CheckKind, Coverage, FileReport, Item, RunConfig, Stage, request, status, timestamp,
};
use crate::testfile::{ManifestSource, ObjectKey, RequestCase, StatusExpect, TestFile};

/// A compiled router per Gateway, or why none could be built.
type RouterCache = HashMap<(String, String), Result<Router, String>>;

/// The cluster a file builds up: the objects, the last validation, routers.
pub(crate) struct World {
    options: gateway_validate::Options,
    snapshot: Snapshot,
    /// Objects read so far, for creation timestamps.
    read: usize,
    report: Report,
    routers: RouterCache,
}

impl World {
    pub(crate) fn new(config: &RunConfig) -> Self {
        Self {
            options: config.validate_options(),
            snapshot: Snapshot::new(),
            read: 0,
            report: Report::default(),
            routers: HashMap::new(),
        }
    }

    /// The last validation.
    pub(crate) fn report(&self) -> &Report {
        &self.report
    }

    /// The objects so far.
    #[cfg(test)]
    pub(crate) fn snapshot(&self) -> &Snapshot {
        &self.snapshot
    }

    /// Loads a source and creates or replaces its objects.
    pub(crate) fn apply(&mut self, source: &ManifestSource, stage: Stage, out: &mut FileReport) {
        let loaded = Loader::new().load_str(source.name(), source.text());
        if !loaded.errors.is_empty() {
            out.checks.push(Check {
                stage,
                kind: CheckKind::Setup,
                subject: format!("load {}", source.name()),
                items: loaded
                    .errors
                    .iter()
                    .map(|e| Item::new("manifest", "loads", e.to_string(), false))
                    .collect(),
                trace: Vec::new(),
            });
        }
        for warning in &loaded.warnings {
            out.notes.push(format!("load warning: {warning}"));
        }
        for item in loaded.objects {
            let mut object = item.object;
            self.prepare(&mut object);
            self.snapshot.insert(object, Some(item.source));
        }
    }

    /// Fills in what the API server would: the `default` namespace and a
    /// creation timestamp (kept from the object replaced, if any).
    fn prepare(&mut self, object: &mut Object) {
        let index = self.read;
        self.read += 1;
        if object.is_namespaced() && object.metadata().namespace.is_none() {
            object.metadata_mut().namespace = Some("default".to_owned());
        }
        if object.metadata().creation_timestamp_text().is_some() {
            return;
        }
        let kept = self
            .snapshot
            .entries()
            .find(|e| same_object(&e.object, object))
            .and_then(|e| e.object.metadata().creation_timestamp_text());
        let stamp = kept.unwrap_or_else(|| timestamp::nth(index));
        object.metadata_mut().set_creation_timestamp_text(&stamp);
    }

    /// Deletes an object; a setup failure when it is not there.
    fn delete(&mut self, key: &ObjectKey, stage: Stage, out: &mut FileReport) {
        let namespace = key.namespace.as_deref();
        if !self.snapshot.remove(&key.kind, namespace, &key.name) {
            out.checks.push(Check {
                stage,
                kind: CheckKind::Setup,
                subject: format!("delete {key}"),
                items: vec![Item::new("object", "present", "not found", false)],
                trace: Vec::new(),
            });
        }
    }

    /// Validates the snapshot; notes what admission rejected.
    fn validate(&mut self, stage: Stage, out: &mut FileReport) {
        self.report = gateway_validate::validate(&self.snapshot, &self.options);
        self.routers.clear();
        for finding in self.report.findings().iter().filter(|f| f.is_error()) {
            let note = format!("{stage}: rejected by admission: {finding}");
            if !out.notes.contains(&note) {
                out.notes.push(note);
            }
        }
        collect_rules(&self.report, &mut out.coverage);
    }

    /// The router of a Gateway's routing view; `Ok(None)` when the report
    /// has no routing view for it.
    pub(crate) fn router(
        &mut self,
        namespace: &str,
        name: &str,
    ) -> Result<Option<&Router>, String> {
        let Some(routing) = self.report.routing(namespace, name) else {
            return Ok(None);
        };
        let key = (namespace.to_owned(), name.to_owned());
        let built = self.routers.entry(key).or_insert_with(|| {
            Router::builder()
                .add_gateway(routing)
                .build()
                .map_err(|errors| {
                    let errors: Vec<String> = errors.iter().map(ToString::to_string).collect();
                    format!("the router does not build: {}", errors.join("; "))
                })
        });
        match built {
            Ok(router) => Ok(Some(router)),
            Err(message) => Err(message.clone()),
        }
    }

    /// Checks a stage's status expectations and sends its requests.
    fn check(
        &mut self,
        expect: &StatusExpect,
        requests: &[RequestCase],
        stage: Stage,
        out: &mut FileReport,
    ) {
        out.checks
            .extend(status::check(expect, &self.report, stage));
        for (index, case) in requests.iter().enumerate() {
            let check = request::send(self, case, stage, index, &mut out.coverage);
            out.checks.push(check);
        }
    }
}

/// Whether two objects have the same kind, namespace and name.
fn same_object(a: &Object, b: &Object) -> bool {
    a.kind() == b.kind()
        && a.metadata().name == b.metadata().name
        && a.metadata().namespace == b.metadata().namespace
}

/// Adds every served rule of every routing view to `coverage.rules`.
fn collect_rules(report: &Report, coverage: &mut Coverage) {
    for gateway in report.routings() {
        for listener in &gateway.listeners {
            for route in &listener.routes {
                for (index, rule) in route.rules.iter().enumerate() {
                    if rule.valid {
                        coverage.rules.insert((
                            route.route.kind().to_owned(),
                            route.namespace.clone(),
                            route.name.clone(),
                            index,
                        ));
                    }
                }
            }
        }
    }
}

/// Runs one test file; see the module docs of [`super`].
pub(crate) fn run_file(path: &Path, config: &RunConfig) -> FileReport {
    let loaded = if path.as_os_str() == "-" {
        let mut text = String::new();
        if let Err(err) = std::io::Read::read_to_string(&mut std::io::stdin(), &mut text) {
            return FileReport::failed_to_load(path, format!("cannot read standard input: {err}"));
        }
        TestFile::load_text(&text, path, Path::new("."))
    } else {
        TestFile::load(path)
    };
    let loaded = match loaded {
        Ok(loaded) => loaded,
        Err(error) => return FileReport::failed_to_load(path, error.to_string()),
    };
    let sources = loaded.resolved_sources(config.class(), config.effective_controller_name());
    let test = loaded.test();
    let mut out = FileReport {
        path: path.to_path_buf(),
        name: Some(test.name.clone()),
        error: None,
        checks: Vec::new(),
        notes: Vec::new(),
        coverage: Coverage::default(),
    };
    let mut world = World::new(config);
    for source in sources.iter().filter(|s| s.step().is_none()) {
        world.apply(source, Stage::Initial, &mut out);
    }
    world.validate(Stage::Initial, &mut out);
    world.check(&test.expect, &test.requests, Stage::Initial, &mut out);
    for (index, step) in test.steps.iter().enumerate() {
        let stage = Stage::Step(index);
        if let Some(source) = sources.iter().find(|s| s.step() == Some(index)) {
            world.apply(source, stage, &mut out);
        }
        for key in &step.delete {
            world.delete(key, stage, &mut out);
        }
        world.validate(stage, &mut out);
        world.check(&step.expect, &step.requests, stage, &mut out);
    }
    out
}
