//! Status expectations: compare an `expect:` block with a validation report.

use gateway_types::Condition;
use gateway_types::gateway::ListenerStatus;
use gateway_types::shared::ParentReference;
use gateway_validate::Report;

use super::{Check, CheckKind, Item, Stage};
use crate::testfile::{
    Conditions, GatewayExpect, ListenerExpect, ParentRef, RouteKind, StatusExpect,
};

/// Checks every expectation of a block, one [`Check`] per object.
pub(crate) fn check(expect: &StatusExpect, report: &Report, stage: Stage) -> Vec<Check> {
    let mut checks = Vec::new();
    let mut push = |subject: String, items: Vec<Item>| {
        checks.push(Check {
            stage,
            kind: CheckKind::Status,
            subject,
            items,
            trace: Vec::new(),
        });
    };
    for class in &expect.gateway_classes {
        let status = report.gateway_class_status(&class.name);
        let conditions = status.map(|s| s.conditions.as_deref().unwrap_or_default());
        let items = conditions_items("", &class.conditions, conditions, "no status");
        push(format!("GatewayClass {}", class.name), items);
    }
    for gateway in &expect.gateways {
        let status = report.gateway_status(&gateway.name.namespace, &gateway.name.name);
        let found = status.map(|s| Found {
            conditions: s.conditions.as_deref().unwrap_or_default(),
            listeners: s.listeners.as_deref().unwrap_or_default(),
            attached_listener_sets: Some(s.attached_listener_sets.unwrap_or(0)),
        });
        push(
            format!("Gateway {}", gateway.name),
            gateway_items(gateway, found.as_ref()),
        );
    }
    for set in &expect.listener_sets {
        let status = report.listener_set_status(&set.name.namespace, &set.name.name);
        let found = status.map(|s| Found {
            conditions: s.conditions.as_deref().unwrap_or_default(),
            listeners: s.listeners.as_deref().unwrap_or_default(),
            attached_listener_sets: None,
        });
        push(
            format!("ListenerSet {}", set.name),
            gateway_items(set, found.as_ref()),
        );
    }
    for policy in &expect.policies {
        let status = report.policy_status(&policy.kind, &policy.name.namespace, &policy.name.name);
        let mut items = Vec::new();
        for ancestor in &policy.ancestors {
            let entries: Vec<(&ParentReference, &[Condition])> = status
                .map(|s| {
                    s.ancestors
                        .iter()
                        .map(|a| (&a.ancestor_ref, a.conditions.as_slice()))
                        .collect()
                })
                .unwrap_or_default();
            items.extend(parent_items(
                "ancestor",
                &ancestor.ancestor_ref,
                &ancestor.conditions,
                &entries,
                &policy.name.namespace,
                status.is_some(),
            ));
        }
        push(format!("{} {}", policy.kind, policy.name), items);
    }
    for route in &expect.routes {
        let status =
            report.route_status(route.kind.as_str(), &route.name.namespace, &route.name.name);
        let entries: Vec<(&ParentReference, &[Condition])> = status
            .map(|s| {
                s.parents
                    .iter()
                    .map(|p| (&p.parent_ref, p.conditions.as_slice()))
                    .collect()
            })
            .unwrap_or_default();
        let mut items = Vec::new();
        for parent in &route.parents {
            items.extend(parent_items(
                "parent",
                &parent.parent_ref,
                &parent.conditions,
                &entries,
                &route.name.namespace,
                status.is_some(),
            ));
        }
        for absent in &route.absent_parents {
            let found: Vec<String> = entries
                .iter()
                .filter(|(r, _)| parent_matches(absent, r, &route.name.namespace))
                .map(|(r, _)| parent_text(r, &route.name.namespace))
                .collect();
            items.push(Item::new(
                format!("parent {absent}"),
                "absent",
                if found.is_empty() {
                    "absent".to_owned()
                } else {
                    format!("present ({})", found.join(", "))
                },
                found.is_empty(),
            ));
        }
        push(format!("{} {}", route.kind, route.name), items);
    }
    checks
}

/// What status holds for a Gateway or a ListenerSet.
struct Found<'a> {
    conditions: &'a [Condition],
    listeners: &'a [ListenerStatus],
    /// `None` for a ListenerSet (no such field).
    attached_listener_sets: Option<i32>,
}

fn gateway_items(expect: &GatewayExpect, found: Option<&Found<'_>>) -> Vec<Item> {
    let mut items = conditions_items(
        "",
        &expect.conditions,
        found.map(|f| f.conditions),
        "no status",
    );
    if let Some(count) = expect.attached_listener_sets {
        let (text, passed) = match found {
            None => ("no status".to_owned(), false),
            Some(Found {
                attached_listener_sets: None,
                ..
            }) => ("(a ListenerSet has no such field)".to_owned(), false),
            Some(Found {
                attached_listener_sets: Some(n),
                ..
            }) => (n.to_string(), i64::from(*n) == i64::from(count)),
        };
        items.push(Item::new(
            "attachedListenerSets",
            count.to_string(),
            text,
            passed,
        ));
    }
    if expect.exact_listeners {
        let mut wanted: Vec<&str> = expect.listeners.keys().map(String::as_str).collect();
        wanted.sort_unstable();
        let (text, passed) = match found {
            None => ("no status".to_owned(), false),
            Some(f) => {
                let mut names: Vec<&str> = f.listeners.iter().map(|l| l.name.as_str()).collect();
                names.sort_unstable();
                (format!("[{}]", names.join(", ")), names == wanted)
            }
        };
        items.push(Item::new(
            "exactListeners",
            format!("[{}]", wanted.join(", ")),
            text,
            passed,
        ));
    }
    for (name, listener) in &expect.listeners {
        let status = match found {
            None => Err("no status"),
            Some(f) => f
                .listeners
                .iter()
                .find(|l| &l.name == name)
                .ok_or("listener not in status"),
        };
        items.extend(listener_items(name, listener, status));
    }
    items
}

pub(crate) fn listener_items(
    name: &str,
    expect: &ListenerExpect,
    status: Result<&ListenerStatus, &str>,
) -> Vec<Item> {
    let what = |field: &str| format!("listener {name} {field}");
    let mut items = Vec::new();
    if let Some(count) = expect.attached_routes {
        let (text, passed) = match status {
            Err(why) => (why.to_owned(), false),
            Ok(l) => (
                l.attached_routes.to_string(),
                i64::from(l.attached_routes) == i64::from(count),
            ),
        };
        items.push(Item::new(
            what("attachedRoutes"),
            count.to_string(),
            text,
            passed,
        ));
    }
    if let Some(kinds) = &expect.supported_kinds {
        let wanted: Vec<&str> = kinds.iter().map(|k| RouteKind::as_str(*k)).collect();
        let expected = if wanted.is_empty() {
            "[] (none)".to_owned()
        } else {
            format!("[{}] (at least)", wanted.join(", "))
        };
        let (text, passed) = match status {
            Err(why) => (why.to_owned(), false),
            Ok(l) => {
                let found: Vec<&str> = l
                    .supported_kinds
                    .iter()
                    .flatten()
                    .map(|k| k.kind.as_str())
                    .collect();
                let passed = if wanted.is_empty() {
                    found.is_empty()
                } else {
                    wanted.iter().all(|w| found.contains(w))
                };
                (format!("[{}]", found.join(", ")), passed)
            }
        };
        items.push(Item::new(what("supportedKinds"), expected, text, passed));
    }
    let prefix = format!("listener {name} ");
    match status {
        Ok(l) => items.extend(conditions_items(
            &prefix,
            &expect.conditions,
            Some(&l.conditions),
            "",
        )),
        Err(why) => items.extend(conditions_items(&prefix, &expect.conditions, None, why)),
    }
    items
}

/// One item per expected condition. `found` is `None` when there is no
/// status to look in (`why` says so).
fn conditions_items(
    prefix: &str,
    expect: &Conditions,
    found: Option<&[Condition]>,
    why: &str,
) -> Vec<Item> {
    expect
        .iter()
        .map(|(type_, wanted)| {
            let what = format!("{prefix}{type_}");
            match found {
                None => Item::new(what, wanted.to_string(), why, false),
                Some(conditions) => match conditions.iter().find(|c| &c.type_ == type_) {
                    None => Item::new(what, wanted.to_string(), "(no such condition)", false),
                    Some(c) => Item::new(
                        what,
                        wanted.to_string(),
                        condition_text(c),
                        wanted.matches(&c.status, &c.reason),
                    ),
                },
            }
        })
        .collect()
}

fn condition_text(c: &Condition) -> String {
    if c.reason.is_empty() {
        c.status.to_string()
    } else {
        format!("{}/{}", c.status, c.reason)
    }
}

/// Whether a status entry's reference names the expected parent: kind,
/// namespace and name, and the section when the expectation gives one.
/// `own` is the namespace of the route (or policy), which an entry without
/// a namespace means.
pub(crate) fn parent_matches(expect: &ParentRef, found: &ParentReference, own: &str) -> bool {
    found.kind_or_default() == expect.kind.as_str()
        && found.namespace.as_deref().unwrap_or(own) == expect.namespace
        && found.name == expect.name
        && expect
            .section_name
            .as_ref()
            .is_none_or(|s| found.section_name.as_ref() == Some(s))
}

fn parent_text(r: &ParentReference, own: &str) -> String {
    let mut text = String::new();
    let kind = r.kind_or_default();
    if kind != "Gateway" {
        text.push_str(kind);
        text.push(':');
    }
    text.push_str(r.namespace.as_deref().unwrap_or(own));
    text.push('/');
    text.push_str(&r.name);
    if let Some(section) = &r.section_name {
        text.push('/');
        text.push_str(section);
    }
    text
}

/// Items for one expected parent (or ancestor) entry: one per condition, or
/// one for its presence when it names none. Of the entries that match the
/// reference, the one that meets the most conditions is compared.
fn parent_items(
    label: &str,
    expect: &ParentRef,
    conditions: &Conditions,
    entries: &[(&ParentReference, &[Condition])],
    own: &str,
    has_status: bool,
) -> Vec<Item> {
    let matching: Vec<&(&ParentReference, &[Condition])> = entries
        .iter()
        .filter(|(r, _)| parent_matches(expect, r, own))
        .collect();
    let prefix = format!("{label} {expect} ");
    let best = matching.iter().max_by_key(|(_, found)| {
        conditions
            .iter()
            .filter(|(type_, wanted)| {
                found
                    .iter()
                    .any(|c| &c.type_ == *type_ && wanted.matches(&c.status, &c.reason))
            })
            .count()
    });
    let why = if !has_status {
        "no status".to_owned()
    } else if entries.is_empty() {
        "no parent entries in status".to_owned()
    } else {
        let present: Vec<String> = entries.iter().map(|(r, _)| parent_text(r, own)).collect();
        format!("no entry (status has {})", present.join(", "))
    };
    if conditions.is_empty() {
        return vec![Item::new(
            format!("{label} {expect}"),
            "present",
            if best.is_some() {
                "present".to_owned()
            } else {
                why
            },
            best.is_some(),
        )];
    }
    conditions_items(&prefix, conditions, best.map(|(_, c)| *c), &why)
}
