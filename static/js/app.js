// Small progressive enhancements. The pages work without this file.
(function () {
  "use strict";

  // "/" focuses the search box, as on many sites; ignored while typing in a field.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target.closest("input, textarea, select, [contenteditable]")) return;
    var search = document.querySelector("input[type=search]");
    if (search) {
      event.preventDefault();
      search.focus();
      search.select();
    }
  });

  // The story form's question picker: a filter box narrows the long list of checkboxes.
  // Ticked questions always stay in view; groups with nothing left are hidden.
  document.querySelectorAll("[data-picker-filter]").forEach(function (box) {
    var picker = box.closest(".question-picker");
    var input = box.querySelector("input");
    var count = box.querySelector("[data-picker-count]");
    var labels = picker.querySelectorAll(".picker-options label");
    box.hidden = false;
    input.addEventListener("input", function () {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      labels.forEach(function (label) {
        var text = label.textContent.toLowerCase();
        var match = label.querySelector("input").checked || words.every(function (word) {
          return text.indexOf(word) !== -1;
        });
        label.hidden = !match;
        if (match) shown += 1;
      });
      picker.querySelectorAll(".picker-options fieldset").forEach(function (group) {
        group.hidden = !group.querySelector("label:not([hidden])");
      });
      count.textContent = words.length ? shown + " of " + labels.length + " shown" : "";
    });
  });
})();
