// Small behaviours with no framework: the collapsible side menu (remembered per browser)
// and moving dashboard cards up and down in the admin's order list.
(function () {
  var KEY = "portico.menu";
  var body = document.body;
  var narrow = function () { return window.matchMedia("(max-width: 760px)").matches; };
  if (localStorage.getItem(KEY) === "collapsed" && !narrow()) {
    body.classList.add("menu-collapsed");
    var button = document.querySelector("[data-menu-toggle]");
    if (button) button.setAttribute("aria-expanded", "false");
  }
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-menu-toggle]");
    if (toggle) {
      if (narrow()) { body.classList.toggle("menu-open"); return; }
      var collapsed = body.classList.toggle("menu-collapsed");
      localStorage.setItem(KEY, collapsed ? "collapsed" : "open");
      toggle.setAttribute("aria-expanded", collapsed ? "false" : "true");
      return;
    }
    // Only the sortable lists' buttons (the dashboard cards' order); a plugin's own data-move is its own.
    var move = event.target.closest("[data-sortable] [data-move]");
    if (move) {
      event.preventDefault();  // without script the button submits the move to the server instead
      var item = move.closest("li");
      if (move.dataset.move === "up" && item.previousElementSibling) item.parentNode.insertBefore(item, item.previousElementSibling);
      if (move.dataset.move === "down" && item.nextElementSibling) item.parentNode.insertBefore(item.nextElementSibling, item);
      move.focus();
    }
  });
})();

// htmx leaves 4xx answers unswapped; a panel marked data-swap-errors shows its refusal message
// (an empty comment, a file too large or of a refused kind) in place.
document.addEventListener("htmx:beforeSwap", function (event) {
  var status = event.detail.xhr.status;
  if ((status === 400 || status === 413) && event.detail.elt.closest("[data-swap-errors]")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
