/* Sampan comments: "Reply" moves the form under the comment, "Cancel reply" puts it back.
 * Without this file the same links work as plain links (?replytocom=ID#respond), rendered by the server. */
(function () {
  "use strict";
  var respond = document.getElementById("respond");
  var home = document.getElementById("respond-home");
  if (!respond || !home || !("addEventListener" in respond)) return;
  var parent = document.getElementById("comment_parent");
  var cancel = document.getElementById("cancel-comment-reply-link");
  var title = document.getElementById("reply-title-text");
  var plainTitle = "Leave a Reply";

  function moveTo(comment, id, label) {
    comment.parentNode.insertBefore(respond, comment.nextSibling);
    parent.value = id;
    title.textContent = label ? label.replace(/^Reply to /, "Leave a Reply to ") : plainTitle;
    cancel.hidden = false;
    document.getElementById("comment").focus();
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".comment-reply-link");
    if (!link) return;
    var body = document.getElementById("div-comment-" + link.getAttribute("data-commentid"));
    if (!body) return;
    event.preventDefault();
    moveTo(body, link.getAttribute("data-commentid"), link.getAttribute("data-replyto"));
  });

  cancel.addEventListener("click", function (event) {
    event.preventDefault();
    home.appendChild(respond);
    parent.value = "0";
    title.textContent = plainTitle;
    cancel.hidden = true;
    document.getElementById("comment").focus();
  });
})();
