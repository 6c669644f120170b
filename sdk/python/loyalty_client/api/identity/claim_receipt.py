from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.problem import Problem
from ...models.purchase_out import PurchaseOut
from ...models.receipt_claim_request import ReceiptClaimRequest
from typing import cast
from uuid import UUID



def _get_kwargs(
    member_id: UUID,
    *,
    body: ReceiptClaimRequest,
    idempotency_key: str,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    headers["Idempotency-Key"] = idempotency_key



    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/members/{member_id}/receipt-claims".format(member_id=quote(str(member_id), safe=""),),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | PurchaseOut | None:
    if response.status_code == 201:
        response_201 = PurchaseOut.from_dict(response.json())



        return response_201

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())



        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())



        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())



        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())



        return response_404

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())



        return response_409

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())



        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())



        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | PurchaseOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    member_id: UUID,
    *,
    client: AuthenticatedClient,
    body: ReceiptClaimRequest,
    idempotency_key: str,

) -> Response[Problem | PurchaseOut]:
    """ Claim Receipt

     Credit a sale recorded without a member to this member, from its receipt number or its e-invoice
    lookup
    code (once, to one member, within the program's receipt_claim_days).

    Args:
        member_id (UUID):
        idempotency_key (str): Required on every request that changes state (IETF Idempotency-Key
            draft). A retry with the same key and body gets the original answer; another body is
            refused (422).
        body (ReceiptClaimRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | PurchaseOut]
     """


    kwargs = _get_kwargs(
        member_id=member_id,
body=body,
idempotency_key=idempotency_key,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    member_id: UUID,
    *,
    client: AuthenticatedClient,
    body: ReceiptClaimRequest,
    idempotency_key: str,

) -> Problem | PurchaseOut | None:
    """ Claim Receipt

     Credit a sale recorded without a member to this member, from its receipt number or its e-invoice
    lookup
    code (once, to one member, within the program's receipt_claim_days).

    Args:
        member_id (UUID):
        idempotency_key (str): Required on every request that changes state (IETF Idempotency-Key
            draft). A retry with the same key and body gets the original answer; another body is
            refused (422).
        body (ReceiptClaimRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | PurchaseOut
     """


    return sync_detailed(
        member_id=member_id,
client=client,
body=body,
idempotency_key=idempotency_key,

    ).parsed

async def asyncio_detailed(
    member_id: UUID,
    *,
    client: AuthenticatedClient,
    body: ReceiptClaimRequest,
    idempotency_key: str,

) -> Response[Problem | PurchaseOut]:
    """ Claim Receipt

     Credit a sale recorded without a member to this member, from its receipt number or its e-invoice
    lookup
    code (once, to one member, within the program's receipt_claim_days).

    Args:
        member_id (UUID):
        idempotency_key (str): Required on every request that changes state (IETF Idempotency-Key
            draft). A retry with the same key and body gets the original answer; another body is
            refused (422).
        body (ReceiptClaimRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | PurchaseOut]
     """


    kwargs = _get_kwargs(
        member_id=member_id,
body=body,
idempotency_key=idempotency_key,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    member_id: UUID,
    *,
    client: AuthenticatedClient,
    body: ReceiptClaimRequest,
    idempotency_key: str,

) -> Problem | PurchaseOut | None:
    """ Claim Receipt

     Credit a sale recorded without a member to this member, from its receipt number or its e-invoice
    lookup
    code (once, to one member, within the program's receipt_claim_days).

    Args:
        member_id (UUID):
        idempotency_key (str): Required on every request that changes state (IETF Idempotency-Key
            draft). A retry with the same key and body gets the original answer; another body is
            refused (422).
        body (ReceiptClaimRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | PurchaseOut
     """


    return (await asyncio_detailed(
        member_id=member_id,
client=client,
body=body,
idempotency_key=idempotency_key,

    )).parsed
