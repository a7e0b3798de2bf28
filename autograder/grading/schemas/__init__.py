"""JSON schemas of the files the autograder writes."""
