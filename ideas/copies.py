"""A campaign's board copied with the campaign (``campaigns.copies``): its settings and categories, no idea."""

from campaigns.copies import row_copy
from ideas.models import Board, Category


def board_copy(source, copy):
    board = Board.objects.filter(campaign=source).first()
    if board is None:
        return
    new = row_copy(board, campaign_id=copy.pk)
    for category in Category.objects.filter(board=board):
        row_copy(category, board_id=new.pk)
