// Suggests incidents while an analyst types in an "incident" field (progressive enhancement:
// typing a reference works without it). A file, not an inline script: CSP script-src 'self'.
"use strict";
(function () {
  var lists = document.querySelectorAll("datalist[data-search-url]");
  Array.prototype.forEach.call(lists, function (list) {
    var inputs = document.querySelectorAll('input[list="' + list.id + '"]');
    var timer = null;
    var latest = "";

    function show(incidents) {
      var options = incidents.map(function (incident) {
        var option = document.createElement("option");
        option.value = incident.reference;
        option.label = incident.title;
        return option;
      });
      list.replaceChildren.apply(list, options);
    }

    function search(text) {
      var url = list.dataset.searchUrl + "?q=" + encodeURIComponent(text);
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { incidents: [] }; })
        .then(function (data) { if (text === latest) { show(data.incidents || []); } })
        .catch(function () { /* suggestions are a convenience; typing still works */ });
    }

    Array.prototype.forEach.call(inputs, function (input) {
      input.addEventListener("input", function () {
        var text = input.value.trim();
        window.clearTimeout(timer);
        if (text.length < 2) { return; }
        latest = text;
        timer = window.setTimeout(function () { search(text); }, 200);
      });
    });
  });
})();
