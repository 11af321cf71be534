/* The little JavaScript there is: nothing on the page needs it to be read. */
(function () {
  "use strict";

  // Click-to-play: the privacy-enhanced player is loaded only when the reader asks.
  document.querySelectorAll("a.facade[data-embed]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      var frame = document.createElement("iframe");
      frame.src = link.dataset.embed;
      frame.title = link.dataset.title || "Video player";
      frame.allow = "autoplay; fullscreen; picture-in-picture";
      frame.allowFullscreen = true;
      link.replaceWith(frame);
    });
  });

  // Reply links fill in the form's reply-to field instead of reloading the page.
  var replyField = document.getElementById("comment-reply-to");
  if (replyField) {
    var params = new URLSearchParams(window.location.search);
    if (params.get("reply_to")) { replyField.value = params.get("reply_to"); }
    document.querySelectorAll("a[data-reply-to]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        replyField.value = link.dataset.replyTo;
        document.getElementById("comment-body").focus();
      });
    });
    if (params.get("comment") === "pending") {
      var note = document.createElement("p");
      note.className = "notice";
      note.setAttribute("role", "status");
      note.textContent = "Thank you: your comment awaits moderation.";
      document.getElementById("comment-form").prepend(note);
    }
  }
})();
