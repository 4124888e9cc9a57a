// The guided report form: show a question only when the answers so far ask for it.
// Each wrapper carries its condition (data-shown-when, the taxonomy's condition language as
// JSON, from taxonomy/relevance.py); the server renders the same state and applies the same
// rules, so without this script the form still works (save the draft to see new questions).
(function () {
  "use strict";
  var form = document.querySelector("form.report-form");
  if (!form) { return; }
  var wrappers = Array.prototype.slice.call(form.querySelectorAll("[data-shown-when]"));
  var CONTROLS = "input, select, textarea";

  function controlsNamed(name) {
    return Array.prototype.slice.call(form.elements).filter(function (el) {
      return el.name === name && !el.disabled;
    });
  }

  // The answer at a dotted path ("security.is_security_incident" is the control
  // "security-is_security_incident"): a string, a list of strings, or null.
  function answer(path) {
    var controls = controlsNamed(path.replace(".", "-"));
    if (controls.length === 0) { return null; }
    var first = controls[0];
    if (first.type === "checkbox") {
      return controls.filter(function (el) { return el.checked; }).map(function (el) { return el.value; });
    }
    if (first.tagName === "SELECT" && first.multiple) {
      return Array.prototype.slice.call(first.selectedOptions).map(function (o) { return o.value; });
    }
    return first.value.trim() === "" ? null : first.value;
  }

  function holds(c) {
    if (c.all) { return c.all.every(holds); }
    if (c.any) { return c.any.some(holds); }
    if (c.not) { return !holds(c.not); }
    var found = answer(c.dimension);
    if ("any_of" in c) {
      var given = Array.isArray(found) ? found : (found === null ? [] : [found]);
      return given.some(function (v) { return c.any_of.indexOf(v) !== -1; });
    }
    if ("equals" in c) {
      // Yes/no questions are selects of "yes" and "no".
      var expected = c.equals === true ? "yes" : c.equals === false ? "no" : c.equals;
      return found === expected;
    }
    var present = Array.isArray(found) ? found.length > 0 : found !== null;
    return present === c.present;
  }

  function update() {
    // Twice: a question may depend on one that has just appeared or gone.
    for (var pass = 0; pass < 2; pass += 1) {
      wrappers.forEach(function (wrapper) {
        var shown = holds(JSON.parse(wrapper.getAttribute("data-shown-when")));
        wrapper.hidden = !shown;
        Array.prototype.forEach.call(wrapper.querySelectorAll(CONTROLS), function (el) {
          el.disabled = !shown;
        });
      });
    }
  }

  form.addEventListener("change", update);
  form.addEventListener("input", update);
  update();
}());
