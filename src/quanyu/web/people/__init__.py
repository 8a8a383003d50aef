"""The people pages (members, residents, reports, posts, points, branch life): views and routes."""
