//! The computed status of every object, for `gwcheck status`: a text layout
//! like `kubectl describe` (objects with problems first), and the objects
//! with `.status` filled in as a controller would write it.

use std::fmt::Write as _;

use gateway_types::{Condition, Object};
use gateway_validate::{Report, Snapshot};
use serde_json::{Value, json};

/// Condition types where `True` is bad news.
const NEGATIVE_CONDITIONS: [&str; 3] = ["Conflicted", "PartiallyInvalid", "OverlappingTLSConfig"];

/// Whether a condition reports a problem: a positive condition that is not
/// `True`, or a negative one (`Conflicted`, `PartiallyInvalid`,
/// `OverlappingTLSConfig`) that is.
#[must_use]
pub fn is_problem(condition: &Condition) -> bool {
    let negative = NEGATIVE_CONDITIONS.contains(&&*condition.type_);
    (condition.status == "True") == negative
}

/// Whether a condition says its object is not fully accepted (what
/// `--strict` fails on): `Accepted`, `ResolvedRefs` or `Programmed` not
/// `True`, or `Conflicted` `True`.
#[must_use]
pub fn is_not_accepted(condition: &Condition) -> bool {
    match &*condition.type_ {
        "Accepted" | "ResolvedRefs" | "Programmed" => condition.status != "True",
        "Conflicted" => condition.status == "True",
        _ => false,
    }
}

/// The status of one object, described.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Described {
    /// `Kind ns/name` (or `Kind name`).
    pub title: String,
    /// Whether some condition reports a problem.
    pub problem: bool,
    /// Whether a route parent or a listener is not fully accepted (for
    /// `--strict`).
    pub not_fully_accepted: bool,
    /// The indented lines under the title.
    pub lines: Vec<String>,
}

/// The object's status from the report, as JSON, if the report has one.
#[must_use]
pub fn status_of(object: &Object, report: &Report) -> Option<Value> {
    let m = object.metadata();
    let name = m.name.as_deref().unwrap_or_default();
    let namespace = m.namespace.as_deref().unwrap_or("default");
    let value = match object {
        Object::GatewayClass(_) => serde_json::to_value(report.gateway_class_status(name)?),
        Object::Gateway(_) => serde_json::to_value(report.gateway_status(namespace, name)?),
        Object::ListenerSet(_) => {
            serde_json::to_value(report.listener_set_status(namespace, name)?)
        }
        Object::HttpRoute(_)
        | Object::GrpcRoute(_)
        | Object::TlsRoute(_)
        | Object::TcpRoute(_)
        | Object::UdpRoute(_) => {
            serde_json::to_value(report.route_status(object.kind(), namespace, name)?)
        }
        Object::BackendTlsPolicy(_) => {
            serde_json::to_value(report.policy_status(object.kind(), namespace, name)?)
        }
        _ => return None,
    };
    value.ok()
}

/// Every object of the snapshot with `.status` replaced by the computed one
/// (objects the controller writes no status for are left as they are), as a
/// Kubernetes `List`.
#[must_use]
pub fn objects_with_status(snapshot: &Snapshot, report: &Report) -> Value {
    let items: Vec<Value> = snapshot
        .entries()
        .filter_map(|entry| {
            let mut value = serde_json::to_value(&entry.object).ok()?;
            if let (Some(status), Value::Object(map)) =
                (status_of(&entry.object, report), &mut value)
            {
                map.insert("status".to_owned(), status);
            }
            Some(value)
        })
        .collect();
    json!({"apiVersion": "v1", "kind": "List", "items": items})
}

fn title(object: &Object) -> String {
    let m = object.metadata();
    let name = m.name.as_deref().unwrap_or_default();
    if object.is_namespaced() {
        let namespace = m.namespace.as_deref().unwrap_or("default");
        format!("{} {namespace}/{name}", object.kind())
    } else {
        format!("{} {name}", object.kind())
    }
}

fn conditions_of(value: &Value) -> Vec<Condition> {
    value
        .get("conditions")
        .and_then(|c| serde_json::from_value(c.clone()).ok())
        .unwrap_or_default()
}

fn condition_lines(lines: &mut Vec<String>, indent: &str, conditions: &[Condition]) {
    let width = conditions.iter().map(|c| c.type_.len()).max().unwrap_or(0);
    let reason_width = conditions.iter().map(|c| c.reason.len()).max().unwrap_or(0);
    for c in conditions {
        let mark = if is_problem(c) { "!" } else { " " };
        let mut line = format!(
            "{indent}{mark} {:width$}  {:7}  {:reason_width$}",
            c.type_, c.status, c.reason
        );
        if !c.message.is_empty() {
            let _ = write!(line, "  {}", c.message);
        }
        lines.push(line.trim_end().to_owned());
    }
}

fn text(value: &Value, key: &str) -> String {
    match value.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// Describes one object's computed status; `None` for kinds without status.
#[must_use]
pub fn describe(object: &Object, report: &Report) -> Option<Described> {
    let spec = serde_json::to_value(object).ok()?;
    let spec = spec.get("spec").cloned().unwrap_or(Value::Null);
    let mut out = Described {
        title: title(object),
        problem: false,
        not_fully_accepted: false,
        lines: Vec::new(),
    };
    let is_route = matches!(
        object,
        Object::HttpRoute(_)
            | Object::GrpcRoute(_)
            | Object::TlsRoute(_)
            | Object::TcpRoute(_)
            | Object::UdpRoute(_)
    );
    let known = matches!(
        object,
        Object::GatewayClass(_)
            | Object::Gateway(_)
            | Object::ListenerSet(_)
            | Object::BackendTlsPolicy(_)
    );
    if !is_route && !known {
        return None;
    }
    let Some(status) = status_of(object, report) else {
        out.lines.push(
            "  no status: not handled by this controller (or rejected by admission)".to_owned(),
        );
        if is_route {
            out.problem = true;
            out.not_fully_accepted = true;
        }
        return Some(out);
    };
    match object {
        Object::Gateway(_) | Object::ListenerSet(_) => {
            if let Some(class) = spec.get("gatewayClassName").and_then(Value::as_str) {
                out.lines.push(format!("  Class: {class}"));
            }
            let conditions = conditions_of(&status);
            out.problem |= conditions.iter().any(is_problem);
            if !conditions.is_empty() {
                out.lines.push("  Conditions:".to_owned());
                condition_lines(&mut out.lines, "    ", &conditions);
            }
            if let Some(n) = status.get("attachedListenerSets") {
                out.lines.push(format!("  Attached ListenerSets: {n}"));
            }
            let listeners = status
                .get("listeners")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            if !listeners.is_empty() {
                out.lines.push("  Listeners:".to_owned());
            }
            let declared = spec
                .get("listeners")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            for listener in &listeners {
                let name = text(listener, "name");
                let spec = declared.iter().find(|l| text(l, "name") == name);
                let mut head = format!("    {name}");
                if let Some(spec) = spec {
                    let _ = write!(
                        head,
                        " ({} port {}",
                        text(spec, "protocol"),
                        text(spec, "port")
                    );
                    let host = text(spec, "hostname");
                    if !host.is_empty() {
                        let _ = write!(head, ", hostname {host}");
                    }
                    head.push(')');
                }
                let _ = write!(
                    head,
                    ": {} attached routes",
                    text(listener, "attachedRoutes")
                );
                let kinds: Vec<String> = listener
                    .get("supportedKinds")
                    .and_then(Value::as_array)
                    .map(|kinds| kinds.iter().map(|k| text(k, "kind")).collect())
                    .unwrap_or_default();
                if !kinds.is_empty() {
                    let _ = write!(head, ", kinds {}", kinds.join(", "));
                }
                out.lines.push(head);
                let conditions = conditions_of(listener);
                out.problem |= conditions.iter().any(is_problem);
                out.not_fully_accepted |= conditions.iter().any(is_not_accepted);
                condition_lines(&mut out.lines, "      ", &conditions);
            }
        }
        Object::GatewayClass(_) => {
            if let Some(controller) = spec.get("controllerName").and_then(Value::as_str) {
                out.lines.push(format!("  Controller: {controller}"));
            }
            let conditions = conditions_of(&status);
            out.problem |= conditions.iter().any(is_problem);
            out.lines.push("  Conditions:".to_owned());
            condition_lines(&mut out.lines, "    ", &conditions);
        }
        _ => {
            let key = if is_route { "parents" } else { "ancestors" };
            let reference = if is_route { "parentRef" } else { "ancestorRef" };
            let entries = status
                .get(key)
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            if entries.is_empty() {
                out.lines.push(format!(
                    "  no {key}: nothing this controller owns accepted it"
                ));
                out.problem = true;
                out.not_fully_accepted |= is_route;
            } else {
                out.lines.push(format!(
                    "  {}:",
                    if is_route { "Parents" } else { "Ancestors" }
                ));
            }
            for entry in &entries {
                let parent = entry.get(reference).cloned().unwrap_or(Value::Null);
                let kind = text(&parent, "kind");
                let mut head = String::from("    ");
                if !kind.is_empty() && kind != "Gateway" {
                    let _ = write!(head, "{kind} ");
                }
                let mut namespace = text(&parent, "namespace");
                if namespace.is_empty() {
                    namespace = object
                        .metadata()
                        .namespace
                        .clone()
                        .unwrap_or_else(|| "default".to_owned());
                }
                let _ = write!(head, "{namespace}/");
                head.push_str(&text(&parent, "name"));
                let section = text(&parent, "sectionName");
                if !section.is_empty() {
                    let _ = write!(head, " section {section}");
                }
                let port = text(&parent, "port");
                if !port.is_empty() {
                    let _ = write!(head, " port {port}");
                }
                out.lines.push(head);
                let conditions = conditions_of(entry);
                out.problem |= conditions.iter().any(is_problem);
                out.not_fully_accepted |= is_route && conditions.iter().any(is_not_accepted);
                condition_lines(&mut out.lines, "      ", &conditions);
            }
        }
    }
    Some(out)
}

/// Describes every object with status, objects with problems first (input
/// order otherwise).
#[must_use]
pub fn describe_all(snapshot: &Snapshot, report: &Report) -> Vec<Described> {
    let mut all: Vec<Described> = snapshot
        .entries()
        .filter(|e| {
            !report.rejected().iter().any(|r| {
                let m = e.object.metadata();
                r.kind == e.object.kind()
                    && Some(r.name.as_str()) == m.name.as_deref()
                    && (r.namespace.is_none() || r.namespace.as_deref() == m.namespace.as_deref())
            })
        })
        .filter_map(|e| describe(&e.object, report))
        .collect();
    all.sort_by_key(|d| !d.problem);
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_is_a_positive_condition_not_true_or_a_negative_one_true() {
        assert!(!is_problem(&Condition::new(
            "Accepted", true, "Accepted", ""
        )));
        assert!(is_problem(&Condition::new(
            "Accepted",
            false,
            "NotAllowedByListeners",
            ""
        )));
        assert!(is_problem(&Condition::new(
            "Conflicted",
            true,
            "HostnameConflict",
            ""
        )));
        assert!(!is_problem(&Condition::new(
            "Conflicted",
            false,
            "NoConflicts",
            ""
        )));
        assert!(is_problem(&Condition::new(
            "PartiallyInvalid",
            true,
            "UnsupportedValue",
            ""
        )));
        let mut unknown = Condition::new("Programmed", true, "Pending", "");
        unknown.status = "Unknown".into();
        assert!(is_problem(&unknown));
        assert!(is_not_accepted(&unknown));
        let overlap = Condition::new("OverlappingTLSConfig", true, "OverlappingHostnames", "");
        assert!(is_problem(&overlap));
        assert!(!is_not_accepted(&overlap), "a warning, not a refusal");
    }
}
