"""XML-RPC at /xmlrpc.php: the Blogger, MetaWeblog and WordPress APIs that blogging apps speak.

`parser` reads a request safely, `dispatch` holds the method registry and faults, `access` signs callers in with
application passwords and applies the blog's roles, `writing` turns an app's fields into a saved post (through
`sampan.blog.services`), and `blogger`, `metaweblog`, `wordpress`, `taxonomy`, `wp_site` and `wp_comments` (through
`sampan.comments.services`) are the methods.
"""
