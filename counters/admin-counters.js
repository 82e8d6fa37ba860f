// A hall's counters and printers on the admin page: add a counter, rename it, give it a
// printer and an LED board, retire it (confirmed; refused in words while a ticket is served
// there), and per counter "print test page" / "show test number" (real jobs through the
// hall's queue). Printers: add one, or change its connection.
import { $, el, showError } from "/static/qms.js";
import { clearForm, fillSelect, msg, notice, rowButton, submit, texts } from "/counters/admin-common.js";

/** A printer's connection from the kind and the one address field the form shows. */
export function backendOf(kind, address) {
  const a = (address || "").trim();
  if (kind === "network") {
    const [host, port] = a.split(":");
    return port ? { kind, host, port: Number(port) } : { kind, host };
  }
  if (kind === "usb") {
    const [vendor, product] = a.split(":");
    return { kind, vendor, product };
  }
  if (kind === "serial") return { kind, device: a };
  if (kind === "file") return { kind, path: a };
  return { kind };
}

/** The address field's text for a saved connection. */
export function addressOf(b) {
  if (b.kind === "network") return b.port ? `${b.host}:${b.port}` : b.host || "";
  if (b.kind === "usb") return `${b.vendor || ""}:${b.product || ""}`;
  if (b.kind === "serial") return b.device || "";
  if (b.kind === "file") return b.path || "";
  return "";
}

export function countersPanel(ctx, hall) {
  const form = $("#counter-form");
  const f = form.elements;
  const pform = $("#printer-form");
  const g = pform.elements;
  let retiring = null; // the counter the confirm asks about

  const base = () => `/api/admin/branches/${encodeURIComponent(hall().id)}`;
  const live = () => hall().counters.filter((c) => !c.retired);
  const printerIds = () =>
    hall()
      .printers.filter((x) => !x.retired)
      .map((x) => x.id);

  function fillChoices() {
    fillSelect(
      f.kind,
      ctx.st.org.choices.counter_kinds.map((k) => [k, msg(`counter_kind_name.${k}`)]),
    );
    fillSelect(f.printer, [["", msg("no_printer")], ...printerIds().map((id) => [id, id])]);
  }

  function openNew() {
    fillChoices();
    clearForm(form);
    form.reset();
    form.dataset.mode = "new";
    f.code.readOnly = false;
    f.kind.disabled = false;
    f.kind.value = "cashier";
    form.hidden = false;
    f.code.focus();
  }

  function openEdit(c) {
    fillChoices();
    clearForm(form);
    form.dataset.mode = "edit";
    form.dataset.code = c.code;
    form.dataset.version = c.version;
    f.code.value = c.code;
    f.code.readOnly = true; // a code and kind stay: retire it and add another
    f.name.value = c.name;
    f.kind.value = c.kind;
    f.kind.disabled = true;
    f.parity.value = c.parity || "";
    f.printer.value = c.printer || "";
    f.led_url.value = c.led?.url || "";
    f.led_address.value = c.led?.address ?? "";
    f.led_protocol.value = c.led?.protocol || "ascii";
    form.hidden = false;
    f.name.focus();
  }

  function close() {
    clearForm(form);
    form.hidden = true;
    form.dataset.mode = "";
  }

  function typedLed() {
    const url = f.led_url.value.trim();
    if (!url) return null;
    const led = { url, protocol: f.led_protocol.value };
    if (f.led_address.value !== "") led.address = Number(f.led_address.value);
    return led;
  }

  async function onSave(e) {
    e.preventDefault();
    const common = {
      name: f.name.value.trim(),
      parity: f.parity.value || null,
      printer: f.printer.value || null,
      led: typedLed(),
    };
    if (form.dataset.mode === "new") {
      const body = { code: f.code.value.trim().toUpperCase(), kind: f.kind.value, ...common };
      const out = await submit(form, () => ctx.post(`${base()}/counters`, body));
      if (!out) return;
      close();
      notice(msg("counter_added", { code: out.code }));
      ctx.reload();
      return;
    }
    const code = form.dataset.code;
    const out = await submit(
      form,
      () =>
        ctx.patch(`${base()}/counters/${encodeURIComponent(code)}`, {
          version: Number(form.dataset.version),
          ...common,
        }),
      {
        reload: async () => {
          const org = await ctx.call("/api/admin/org");
          ctx.st.org = org;
          const now = org.branches.find((b) => b.id === hall().id).counters.find((c) => c.code === code);
          form.dataset.version = now.version;
          return `${now.code} — ${now.name} · ${now.printer || msg("no_printer")}`;
        },
      },
    );
    if (!out) return;
    close();
    notice(msg("counter_saved", { code }));
    ctx.reload();
  }

  /** "Print test page" / "Show test number": a job in the hall's queue. */
  async function test(c, what) {
    const box = $("#counter-error");
    showError(box, null);
    try {
      const out = await ctx.post(`${base()}/counters/${encodeURIComponent(c.code)}/test`, { what });
      notice(msg(what === "print" ? "test_print_sent" : "test_led_sent", { code: c.code, job: out.job }));
    } catch (err) {
      if (err.status !== 401) showError(box, texts.explain(err));
    }
  }

  function askRetire(c) {
    retiring = c;
    showError($("#counter-error"), null);
    $("#retire-text").textContent = msg("retire_confirm", { code: c.code, name: c.name });
    $("#retire-confirm").hidden = false;
    $("#retire-confirm").dataset.code = c.code;
    $("#retire-no").focus();
  }

  async function retire() {
    const c = retiring;
    $("#retire-confirm").hidden = true;
    retiring = null;
    if (!c) return;
    const box = $("#counter-error");
    try {
      await ctx.post(`${base()}/counters/${encodeURIComponent(c.code)}/retire`, { version: c.version });
      notice(msg("counter_retired_notice", { code: c.code }));
    } catch (err) {
      if (err.status !== 401) showError(box, texts.explain(err));
    }
    ctx.reload();
  }

  function ledText(led) {
    if (!led) return "—";
    return `${led.url}${led.address !== undefined ? ` #${led.address}` : ""} (${led.protocol || "ascii"})`;
  }

  function renderCounters() {
    const kindWords = (c) =>
      c.kind === "lookup"
        ? `${msg("counter_kind_name.lookup")} (${msg(`parity.${c.parity}`)})`
        : msg(`counter_kind_name.${c.kind}`);
    const rows = hall().counters.map((c) =>
      el(
        "tr",
        { dataset: { code: c.code, kind: c.kind, retired: String(c.retired) }, className: c.retired ? "retired" : "" },
        el("td", { className: "num", text: c.code }),
        el("td", { className: "name", text: c.name }),
        el("td", { text: kindWords(c) }),
        el("td", { className: "printer", text: c.printer || "—" }),
        el("td", { className: "led", text: ledText(c.led) }),
        el(
          "td",
          { className: "row-actions" },
          c.retired
            ? el("span", { className: "badge", text: msg("retired_word") })
            : [
                rowButton("edit", () => openEdit(c), { className: "edit" }),
                rowButton("test_print", () => test(c, "print"), { className: "test-print", disabled: !c.printer }),
                rowButton("test_led", () => test(c, "led"), { className: "test-led", disabled: !c.led }),
                rowButton("retire", () => askRetire(c), { className: "retire danger" }),
              ],
        ),
      ),
    );
    $("#counters-table tbody").replaceChildren(...rows);
  }

  // --- printers --------------------------------------------------------------------------

  function openPrinter(x) {
    clearForm(pform);
    pform.reset();
    pform.dataset.mode = x ? "edit" : "new";
    pform.dataset.version = x ? x.version : "";
    g.id.readOnly = !!x;
    if (x) {
      g.id.value = x.id;
      g.backend_kind.value = x.backend.kind;
      g.backend_address.value = addressOf(x.backend);
      g.paper.value = String(x.paper);
      g.mode.value = x.mode;
    }
    pform.hidden = false;
    (x ? g.backend_address : g.id).focus();
  }

  async function savePrinter(e) {
    e.preventDefault();
    const id = g.id.value.trim();
    const body = {
      id,
      backend: backendOf(g.backend_kind.value, g.backend_address.value),
      paper: Number(g.paper.value),
      mode: g.mode.value,
    };
    if (pform.dataset.mode === "edit") body.version = Number(pform.dataset.version);
    const out = await submit(pform, () => ctx.post(`${base()}/printers`, body), {
      reload: async () => {
        const org = await ctx.call("/api/admin/org");
        ctx.st.org = org;
        const now = org.branches.find((b) => b.id === hall().id).printers.find((x) => x.id === id);
        pform.dataset.version = now.version;
        return `${now.id}: ${now.backend.kind} ${addressOf(now.backend)}`;
      },
    });
    if (!out) return;
    clearForm(pform);
    pform.hidden = true;
    notice(msg("printer_saved", { id }));
    ctx.reload();
  }

  function renderPrinters() {
    const rows = hall().printers.map((x) =>
      el(
        "tr",
        { dataset: { printer: x.id } },
        el("td", { className: "num", text: x.id }),
        el("td", { text: `${x.backend.kind} ${addressOf(x.backend)}`.trim() }),
        el("td", { text: `${x.paper} mm` }),
        el("td", { text: x.mode }),
        el(
          "td",
          { className: "row-actions" },
          rowButton("edit", () => openPrinter(x), { className: "edit" }),
        ),
      ),
    );
    $("#printers-table tbody").replaceChildren(...rows);
  }

  function render() {
    if (!hall()) return;
    renderCounters();
    renderPrinters();
    if (!form.hidden && form.dataset.mode === "new" && !form.dataset.error) {
      const keep = f.printer.value;
      fillChoices();
      f.printer.value = keep;
    }
    if (retiring && !live().some((c) => c.code === retiring.code)) $("#retire-confirm").hidden = true;
  }

  function wire() {
    $("#counter-new").addEventListener("click", openNew);
    form.addEventListener("submit", onSave);
    $(".cancel", form).addEventListener("click", close);
    $("#retire-yes").addEventListener("click", retire);
    $("#retire-no").addEventListener("click", () => {
      $("#retire-confirm").hidden = true;
      retiring = null;
    });
    $("#printer-new").addEventListener("click", () => openPrinter(null));
    pform.addEventListener("submit", savePrinter);
    $(".cancel", pform).addEventListener("click", () => {
      clearForm(pform);
      pform.hidden = true;
    });
  }

  return { wire, render };
}
