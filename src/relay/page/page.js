// The live page: asks the relay for /api/view every second and draws it.
// Everything shown was written by someone else (names, envelopes), so it is
// only ever put into the page as text (textContent), never as HTML.
"use strict";

const POLL_MS = 1000;

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

function bytes(n) {
  if (n < 1024) return n + " bytes";
  if (n < 1024 * 1024) return (n / 1024).toFixed(1) + " KiB";
  if (n < 1024 * 1024 * 1024) return (n / 1024 / 1024).toFixed(1) + " MiB";
  return (n / 1024 / 1024 / 1024).toFixed(2) + " GiB";
}

function ago(time, now) {
  if (time === null || time === undefined) return "time unknown";
  const s = Math.max(0, now - time);
  if (s < 60) return s + " s ago";
  if (s < 3600) return Math.floor(s / 60) + " min ago";
  return Math.floor(s / 3600) + " h ago";
}

function clock(time) {
  return new Date(time * 1000).toLocaleTimeString();
}

function replace(parent, children) {
  parent.replaceChildren(...children);
}

function drawUsers(view) {
  const box = document.getElementById("users");
  if (view.users.length === 0) return;
  replace(box, view.users.map((u) => {
    const card = el("div", null, "user");
    const h = el("h3", u.name);
    h.append(el("span", u.identity_key ? "IK " + u.identity_key + " (trusted on first use)" : "no bundle", "ik mono"));
    card.append(h);
    const facts = [u.prekeys_left + " one-time prekeys left", u.waiting.length + " waiting"];
    if (u.addresses.length > 0) {
      facts.push("from " + u.addresses.map((a) => a.address + (a.how === "signed" ? " (signed)" : " (said so)")).join(", "));
    }
    card.append(el("p", facts.join(" · "), "facts"));
    if (u.waiting.length > 0) {
      const list = el("ul");
      for (const m of u.waiting) {
        list.append(el("li", m.from + " → " + m.to + " · " + (m.kind === "file" ? "file message" : "receipt") +
          " · " + m.message_type + " · " + bytes(m.size) + " · " + ago(m.time, view.now)));
      }
      card.append(list);
    }
    return card;
  }));
}

function drawBlobs(view) {
  const body = document.querySelector("#blobs tbody");
  replace(body, view.blobs.map((b) => {
    const row = el("tr");
    row.append(el("td", b.id, "hex"), el("td", bytes(b.size)), el("td", b.first_bytes, "hex"), el("td", ago(b.time, view.now)));
    return row;
  }));
  if (view.blobs.length === 0) {
    const row = el("tr");
    const cell = el("td", "none", "empty");
    cell.colSpan = 4;
    row.append(cell);
    body.append(row);
  }
  replace(document.getElementById("transfers"), view.transfers.map((t) => {
    const box = el("div", null, "transfer");
    const what = (t.direction === "upload" ? "⬆ " + t.address + " uploads " : "⬇ " + t.address + " downloads ") +
      "blob " + t.blob + ": " + bytes(t.bytes) + (t.total ? " of " + bytes(t.total) : " so far");
    box.append(el("div", what));
    const bar = el("div", null, "bar");
    const fill = el("span");
    fill.style.width = t.total ? Math.min(100, (100 * t.bytes) / t.total) + "%" : "100%";
    bar.append(fill);
    box.append(bar);
    return box;
  }));
}

function drawList(id, items) {
  replace(document.getElementById(id), items.map((text) => el("li", text)));
}

function draw(view) {
  drawUsers(view);
  drawBlobs(view);
  replace(document.getElementById("events"), view.events.map((e) => {
    const li = el("li");
    li.append(el("span", clock(e.time), "when"), el("span", e.address + "  " + e.text));
    return li;
  }));
  drawList("learns", view.learns);
  drawList("cannot", view.cannot);
  drawList("can-do", view.can_do);
  document.getElementById("status").textContent = "live · updated " + clock(view.now);
}

async function poll() {
  try {
    const answer = await fetch("/api/view", { cache: "no-store" });
    if (!answer.ok) throw new Error("HTTP " + answer.status);
    draw(await answer.json());
  } catch (e) {
    document.getElementById("status").textContent = "the relay does not answer (" + e.message + ")";
  }
  setTimeout(poll, POLL_MS);
}

poll();
