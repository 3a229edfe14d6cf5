# An on-call routing tree: `severity = "page"` alerts go to their team's
# pager at once, `severity = "ticket"` alerts to its ticket queue, batched;
# anything else (or of a team not listed) to the fallback. A page also
# holds back the tickets of whatever it pages about (`inhibit_equal`).

locals {
  teams = sort(keys(var.teams))
}

resource "alertmanager_config" "main" {
  global {
    resolve_timeout = "5m"
  }

  route {
    receiver        = "${var.name}-fallback"
    group_by        = var.group_by
    group_wait      = "30s"
    group_interval  = "5m"
    repeat_interval = "4h"

    route {
      receiver        = "${var.name}-fallback"
      matchers        = ["severity=\"page\""]
      group_wait      = "10s"
      repeat_interval = var.page_repeat_interval

      dynamic "route" {
        for_each = local.teams
        content {
          receiver = "${var.name}-${route.value}-pager"
          matchers = ["team=\"${route.value}\""]
        }
      }
    }

    route {
      receiver        = "${var.name}-fallback"
      matchers        = ["severity=\"ticket\""]
      group_wait      = "5m"
      repeat_interval = var.ticket_repeat_interval

      dynamic "route" {
        for_each = local.teams
        content {
          receiver = "${var.name}-${route.value}-tickets"
          matchers = ["team=\"${route.value}\""]
        }
      }
    }
  }

  receiver {
    name = "${var.name}-fallback"
    webhook_config {
      url           = var.fallback_url
      send_resolved = true
    }
  }

  dynamic "receiver" {
    for_each = local.teams
    content {
      name = "${var.name}-${receiver.value}-pager"
      webhook_config {
        url           = var.teams[receiver.value].pager_url
        send_resolved = true
      }
    }
  }

  dynamic "receiver" {
    for_each = local.teams
    content {
      name = "${var.name}-${receiver.value}-tickets"
      webhook_config {
        url           = var.teams[receiver.value].ticket_url
        send_resolved = false
      }
    }
  }

  inhibit_rule {
    source_matchers = ["severity=\"page\""]
    target_matchers = ["severity=\"ticket\""]
    equal           = var.inhibit_equal
  }
}
