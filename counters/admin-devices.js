// A hall's devices on the admin page: enroll a kiosk, a hall display or a hall agent (its
// token shown once, with the address to open on the device), and revoke one.
import { $, el, showError } from "/static/qms.js";
import { clearForm, fillSelect, msg, notice, rowButton, showSecret, submit, texts } from "/counters/admin-common.js";

/** The page a device opens with its token (an agent takes it in its own settings). */
const PAGES = { kiosk: "/kiosk/", display: "/displays/" };

export function devicesPanel(ctx, hall) {
  const form = $("#device-form");
  const f = form.elements;
  let devices = []; // the hall's enrolled devices as last read
  let branch = null; // whose they are

  async function refresh() {
    const b = hall();
    if (!b) return;
    try {
      const out = await ctx.call(`/api/devices?branch=${encodeURIComponent(b.id)}`);
      devices = out.devices;
      branch = b.id;
      render();
    } catch (err) {
      if (err.status !== 401) showError($("#device-error"), texts.explain(err));
      throw err;
    }
  }

  function syncPrinter() {
    f.printer.closest("label").hidden = f.kind.value !== "kiosk";
  }

  async function enroll(e) {
    e.preventDefault();
    const b = hall();
    const body = { id: f.id.value.trim(), kind: f.kind.value, branch: b.id };
    if (f.kind.value === "kiosk" && f.printer.value) body.printer = f.printer.value;
    const out = await submit(form, () => ctx.post("/api/devices", body));
    if (!out) return;
    form.reset();
    syncPrinter();
    const page = PAGES[out.kind];
    showSecret({
      title: msg("device_token_for", { id: out.id }),
      value: out.token,
      url: page ? `${location.origin}${page}?token=${encodeURIComponent(out.token)}` : null,
      note: msg(page ? "device_token_note" : "agent_token_note", { id: out.id }),
    });
    await refresh();
  }

  async function revoke(d) {
    const box = $("#device-error");
    showError(box, null);
    try {
      await ctx.post(`/api/devices/${encodeURIComponent(d.id)}/revoke`);
      notice(msg("device_revoked", { id: d.id }));
    } catch (err) {
      if (err.status !== 401) showError(box, texts.explain(err));
    }
    await refresh();
  }

  function render() {
    const b = hall();
    if (!b) return;
    const keep = f.printer.value;
    fillSelect(
      f.printer,
      [["", msg("no_printer")], ...b.printers.filter((x) => !x.retired).map((x) => [x.id, x.id])],
      keep,
    );
    syncPrinter();
    const mine = branch === b.id ? devices : [];
    const rows = mine.map((d) =>
      el(
        "tr",
        { dataset: { device: d.id, kind: d.kind, revoked: String(!!d.revoked_at) } },
        el("td", { className: "num", text: d.id }),
        el("td", { text: msg(`device_kind.${d.kind}`) }),
        el("td", { text: d.printer || "—" }),
        el(
          "td",
          {},
          el("span", {
            className: `badge ${d.revoked_at ? "bad" : "ok"}`,
            text: d.revoked_at ? msg("revoked_word") : msg("enrolled_word"),
          }),
        ),
        el(
          "td",
          { className: "row-actions" },
          d.revoked_at ? null : rowButton("revoke", () => revoke(d), { className: "revoke danger" }),
        ),
      ),
    );
    $("#devices-table tbody").replaceChildren(...rows);
  }

  function wire() {
    form.addEventListener("submit", enroll);
    f.kind.addEventListener("change", syncPrinter);
    clearForm(form);
    syncPrinter();
  }

  return { wire, render, refresh: () => refresh().catch(() => {}) };
}
