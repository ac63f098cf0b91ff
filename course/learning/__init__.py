"""Learning: the catalogue, lessons, quizzes graded on the server, progress and resume."""
