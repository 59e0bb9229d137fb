// A text box that narrows the options of a long multiple select (the organizations a party organization
// covers). Chosen options always stay visible, so narrowing never hides what will be saved.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("input[data-filter-select]").forEach(function (box) {
    var select = document.getElementById(box.dataset.filterSelect);
    if (!select) return;
    box.addEventListener("input", function () {
      var needle = box.value.trim().toLowerCase();
      Array.prototype.forEach.call(select.options, function (option) {
        var match = !needle || option.selected || option.text.toLowerCase().indexOf(needle) !== -1;
        option.hidden = !match;
      });
    });
  });
});
