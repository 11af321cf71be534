// Copy buttons of the feed pages. Without JavaScript the address is a read-only
// field whose text people select and copy themselves; with it, a button copies it.
(() => {
  "use strict";
  const say = (id, text) => {
    const status = document.querySelector(`[data-copy-status="${id}"]`);
    if (status) status.textContent = text;
  };
  for (const button of document.querySelectorAll("[data-copy]")) {
    const id = button.getAttribute("data-copy");
    const field = document.getElementById(id);
    if (!field) continue;
    button.hidden = false;
    button.addEventListener("click", async () => {
      field.focus();
      field.select();
      try {
        await navigator.clipboard.writeText(field.value);
        say(id, "Copied.");
      } catch {
        // No clipboard permission: the text stays selected for Ctrl+C / long press.
        say(id, "Selected: press Ctrl+C (or long-press) to copy.");
      }
    });
  }
  // Clicking into a field selects the whole address: one step fewer on a phone.
  for (const field of document.querySelectorAll(".feed-address__url")) {
    field.addEventListener("focus", () => field.select());
  }
})();
