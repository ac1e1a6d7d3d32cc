/* auditor report: filter and search the findings. Without this script the page lists every finding. */
(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form || !form.querySelectorAll || !("hidden" in form)) { return; }
  var groups = Array.prototype.slice.call(document.querySelectorAll("section.rule-group"));
  /* Severity, category and rule are the group's (one rule per group) unless a finding says otherwise. */
  var rows = Array.prototype.map.call(document.querySelectorAll("li.f"), function (li) {
    var group = li.closest("section.rule-group");
    var gd = group ? group.dataset : {};
    return { li: li, group: group, o: li.dataset.o, p: li.dataset.p, s: li.dataset.s || gd.s,
      c: li.dataset.c || gd.c, r: gd.r, text: null };
  });
  var shown = document.getElementById("f-shown");
  var none = document.getElementById("f-none");
  var heading = document.getElementById("findings-h");
  var timer = 0;

  function picked(name) {
    var boxes = form.querySelectorAll("input[name='" + name + "']:checked");
    if (!boxes.length) { return null; }
    var set = {};
    for (var i = 0; i < boxes.length; i++) { set[boxes[i].value] = true; }
    return set;
  }

  function field(name) {
    var el = form.elements.namedItem(name);
    return el ? el.value : "";
  }

  function apply() {
    var o = picked("o"), s = picked("s"), c = picked("c");
    var r = field("r"), p = field("p"), q = field("q").trim().toLowerCase();
    var n = 0, seen = new Set();
    for (var i = 0; i < rows.length; i++) {
      var row = rows[i];
      if (q && row.text === null) { row.text = row.li.textContent.toLowerCase(); }
      var ok = (!o || o[row.o] === true) && (!s || s[row.s] === true) && (!c || c[row.c] === true) &&
        (!r || row.r === r) && (!p || row.p === p) && (!q || row.text.indexOf(q) !== -1);
      if (row.li.hidden === ok) { row.li.hidden = !ok; }
      if (ok) { n++; seen.add(row.group); }
    }
    for (var g = 0; g < groups.length; g++) {
      var any = seen.has(groups[g]);
      if (groups[g].hidden === any) { groups[g].hidden = !any; }
    }
    shown.textContent = String(n);
    none.hidden = n !== 0;
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(apply, 150);
  }

  /* Links such as "Findings in this category": set one filter, show the list. */
  function preset(event) {
    var spec = (event.currentTarget.getAttribute("data-set") || "").split(":");
    if (spec.length !== 2) { return; }
    event.preventDefault();
    form.reset();
    var el = form.elements.namedItem(spec[0]);
    if (el && el.tagName === "SELECT") {
      el.value = spec[1];
    } else {
      var boxes = form.querySelectorAll("input[name='" + spec[0] + "']");
      for (var i = 0; i < boxes.length; i++) { boxes[i].checked = boxes[i].value === spec[1]; }
    }
    apply();
    heading.scrollIntoView();
    heading.focus();
  }

  form.addEventListener("submit", function (e) { e.preventDefault(); apply(); });
  form.addEventListener("change", apply);
  form.addEventListener("input", function (e) { if (e.target.type === "search") { later(); } });
  form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
  var links = document.querySelectorAll("[data-set]");
  for (var k = 0; k < links.length; k++) { links[k].addEventListener("click", preset); }
  var extras = document.querySelectorAll(".js-only");
  for (var m = 0; m < extras.length; m++) { extras[m].hidden = false; }

  /* Print everything expanded, then restore what the reader had open. */
  var closed = [];
  window.addEventListener("beforeprint", function () {
    closed = Array.prototype.filter.call(document.querySelectorAll("details:not([open])"), function (d) {
      d.open = true;
      return true;
    });
  });
  window.addEventListener("afterprint", function () {
    closed.forEach(function (d) { d.open = false; });
    closed = [];
  });

  form.hidden = false;
  apply();
}());
