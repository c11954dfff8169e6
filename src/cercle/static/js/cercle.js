// htmx sends the CSRF token from the <body hx-headers> attribute; nothing else is needed.
// Move focus to the main region after an htmx swap so screen-reader users hear the change.
document.addEventListener("htmx:afterSwap", function (event) {
  var target = event.detail.target;
  if (target && target.hasAttribute("data-focus-after-swap")) {
    target.setAttribute("tabindex", "-1");
    target.focus();
  }
});
