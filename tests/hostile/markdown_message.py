def sgd(w, dw, state, **hyperparameters):
    # A message that closes a code fence, then live HTML, a link, a tracking image and a fake score.
    raise RuntimeError("nope\n```\n<img src=x onerror=alert(1)>\n[Regrade approved](https://evil.example/r)\n"
                       "![t](https://evil.example/pixel.png)\n**Score: 100 / 100**\n````\n<a href=x>x</a>")
