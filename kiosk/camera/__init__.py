"""Camera input: frame sources (webcam, video file, frame list) and QR code reading. No Qt here."""
